//! A loopback TCP proxy that makes a local panel look far away: every byte takes half a
//! round trip each way, every new connection costs one round trip (the TCP handshake), and
//! it counts the connections it accepted and the requests in flight at once.
//!
//! The fake panel answers in microseconds, so on loopback neither connection reuse nor
//! parallel calls show; behind this proxy they cost what they cost against a panel on
//! another continent (TLS handshakes are not modelled: they would add one or two more
//! round trips per connection).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A proxy in front of one upstream address, with an adjustable round-trip time.
///
/// ```no_run
/// # async fn demo() {
/// use flvx_api::testkit::{FakePanel, RttProxy};
/// use std::time::Duration;
///
/// let panel = FakePanel::start().await;
/// let proxy = RttProxy::start(&panel.url(), Duration::from_millis(100)).await;
/// // ... point a client at proxy.url(), run something ...
/// println!("{} connections, {} requests at once at most", proxy.connections(), proxy.peak_in_flight());
/// # }
/// ```
pub struct RttProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Shared {
    rtt_us: AtomicU64,
    connections: AtomicUsize,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

impl Shared {
    fn rtt(&self) -> Duration {
        Duration::from_micros(self.rtt_us.load(Ordering::Relaxed))
    }
}

impl RttProxy {
    /// Listens on a free loopback port and forwards to the host and port of `upstream`
    /// (`http://127.0.0.1:PORT`, as [`crate::testkit::FakePanel::url`] gives it).
    pub async fn start(upstream: &str, rtt: Duration) -> RttProxy {
        let target: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("upstream is http://IP:PORT");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared::default());
        shared
            .rtt_us
            .store(rtt.as_micros() as u64, Ordering::Relaxed);
        let accepting = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                accepting.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(relay(client, target, accepting.clone()));
            }
        });
        RttProxy {
            addr,
            shared,
            accept,
        }
    }

    /// The proxy's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sets the round-trip time for what is sent from now on.
    pub fn set_rtt(&self, rtt: Duration) {
        self.shared
            .rtt_us
            .store(rtt.as_micros() as u64, Ordering::Relaxed);
    }

    /// TCP connections accepted since the start or the last [`RttProxy::reset`].
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The most requests that were awaiting their answer at the same moment. A connection
    /// counts as awaiting from the first byte it sends until the first byte of the answer
    /// (HTTP/1.1 without pipelining: one request per connection at a time).
    pub fn peak_in_flight(&self) -> usize {
        self.shared.peak_in_flight.load(Ordering::SeqCst)
    }

    /// Zeroes both counters (requests awaiting an answer now stay counted as in flight).
    pub fn reset(&self) {
        self.shared.connections.store(0, Ordering::SeqCst);
        let now = self.shared.in_flight.load(Ordering::SeqCst);
        self.shared.peak_in_flight.store(now, Ordering::SeqCst);
    }
}

impl Drop for RttProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// One client connection: nothing reaches the panel before the handshake's round trip is
/// over, then both directions go through a delay line of half a round trip each.
async fn relay(client: TcpStream, target: SocketAddr, shared: Arc<Shared>) {
    let opened = Instant::now() + shared.rtt();
    let Ok(upstream) = TcpStream::connect(target).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let awaiting = Arc::new(AtomicBool::new(false));
    let (client_read, client_write) = client.into_split();
    let (upstream_read, upstream_write) = upstream.into_split();
    // A request is in flight from the moment the client sent it until its answer reached
    // the client.
    let sent = {
        let (shared, awaiting) = (shared.clone(), awaiting.clone());
        move || {
            if !awaiting.swap(true, Ordering::SeqCst) {
                let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                shared.peak_in_flight.fetch_max(now, Ordering::SeqCst);
            }
        }
    };
    let answered = {
        let (shared, awaiting) = (shared.clone(), awaiting.clone());
        move || {
            if awaiting.swap(false, Ordering::SeqCst) {
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        }
    };
    let requests = Line {
        shared: shared.clone(),
        not_before: opened,
    };
    let answers = Line {
        shared: shared.clone(),
        not_before: Instant::now(),
    };
    tokio::join!(
        requests.carry(client_read, upstream_write, sent, || {}),
        answers.carry(upstream_read, client_write, || {}, answered.clone()),
    );
    answered();
}

/// One direction of a connection: each chunk is written half a round trip after it was
/// read, and not before `not_before` plus that half (order kept, so a stream of chunks is
/// delayed, not slowed down).
struct Line {
    shared: Arc<Shared>,
    not_before: Instant,
}

impl Line {
    /// Copies `from` to `to`; `on_read` runs as a chunk is read, `on_written` once it is
    /// written.
    async fn carry(
        self,
        mut from: OwnedReadHalf,
        mut to: OwnedWriteHalf,
        on_read: impl Fn(),
        on_written: impl Fn(),
    ) {
        let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
        let Line { shared, not_before } = self;
        let reader = async move {
            let mut buf = vec![0_u8; 16 * 1024];
            while let Ok(n) = from.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                on_read();
                let due = Instant::now().max(not_before) + shared.rtt() / 2;
                if tx.send((due, buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        };
        let writer = async move {
            while let Some((due, bytes)) = rx.recv().await {
                tokio::time::sleep_until(due).await;
                if to.write_all(&bytes).await.is_err() {
                    break;
                }
                on_written();
            }
            let _ = to.shutdown().await;
        };
        tokio::join!(reader, writer);
    }
}
