<?php

namespace WHMCS\Module\Server\Flvx;

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * What a service remembers about its panel account (the Rust `ServiceRecord`), kept as
 * JSON in the module's own table `mod_flvx_services`, one row per WHMCS service: the
 * panel username and user id, binding ids by tunnel, the forwards unsuspend resumes, the
 * forwards the customer paused, the create-pending marker, the suspended flag, the
 * tunnels about to be re-assigned, the last expiry pushed to the panel, and the panel
 * secret of a product without customer panel access (encrypted with WHMCS's encrypt() in
 * the table, plain in the array the engine sees).
 *
 * The engine saves a record only after the panel confirmed what it describes (four
 * fields are intents, written before the call they guard: the create-pending marker, the
 * forwards a suspend is about to pause, the tunnels about to be re-pushed, and the secret
 * a create is about to send), so a failed operation leaves the stored record as it was
 * and a retry starts from the truth. Every database failure becomes the catalogue message
 * `store_failed`.
 */
class FlvxStore
{
    const TABLE = 'mod_flvx_services';

    /**
     * The record of a service that was never provisioned.
     */
    public static function defaultRecord(): array
    {
        return array(
            'username' => null,
            'user_id' => null,
            'bindings' => array(),
            'suspended_forwards' => array(),
            'customer_paused' => array(),
            'create_pending' => false,
            'suspended' => false,
            'terminated' => false,
            'repause_tunnels' => array(),
            'pushed_expiry' => null,
            'panel_secret' => null,
        );
    }

    /**
     * The record of `$serviceId`, or the default record when none was saved.
     */
    public function load(int $serviceId): array
    {
        $this->ensureTable();
        try {
            $row = Capsule::table(self::TABLE)->where('serviceid', $serviceId)->first();
        } catch (\Throwable $e) {
            throw FlvxTable::failure('reading the record of service ' . $serviceId, $e);
        }
        if ($row === null) {
            return self::defaultRecord();
        }
        $json = is_object($row) && isset($row->record) ? (string) $row->record : '';
        $data = json_decode($json, true);
        if (!is_array($data)) {
            throw new FlvxProvisionException('store_failed', array(
                'detail' => 'the stored record of service ' . $serviceId . ' in ' . self::TABLE
                    . ' is not valid JSON; repair or delete that row, then run Sync',
            ));
        }
        return self::normalise(self::decrypted($data));
    }

    /**
     * Replaces the record of `$serviceId`.
     */
    public function save(int $serviceId, array $record): void
    {
        $json = self::encode(self::normalise($record));
        $this->ensureTable();
        try {
            $values = array('record' => $json, 'updated_at' => date('Y-m-d H:i:s'));
            if ($this->rowExists($serviceId)) {
                Capsule::table(self::TABLE)->where('serviceid', $serviceId)->update($values);
            } else {
                $this->insertOrUpdate($serviceId, $values);
            }
        } catch (\Throwable $e) {
            throw FlvxTable::failure('saving the record of service ' . $serviceId, $e);
        }
    }

    /**
     * The records of several services at once (one query), keyed by service id; services
     * without a stored record are left out.
     *
     * @param int[] $serviceIds
     * @return array<int, array>
     */
    public function loadMany(array $serviceIds): array
    {
        $ids = array();
        foreach ($serviceIds as $id) {
            $ids[] = (int) $id;
        }
        if (count($ids) === 0) {
            return array();
        }
        $this->ensureTable();
        $records = array();
        try {
            foreach (array_chunk($ids, 500) as $chunk) {
                $rows = Capsule::table(self::TABLE)->whereIn('serviceid', $chunk)->get();
                foreach ($rows as $row) {
                    $data = json_decode((string) $row->record, true);
                    if (is_array($data)) {
                        $records[(int) $row->serviceid] = self::normalise(self::decrypted($data));
                    }
                }
            }
        } catch (\Throwable $e) {
            throw FlvxTable::failure('reading the service records', $e);
        }
        ksort($records);
        return $records;
    }

    /**
     * The service whose record is bound to panel user `$userId`, or null (the lowest id,
     * should a broken import have bound two).
     *
     * @return int|null
     */
    public function serviceOfUser(int $userId)
    {
        $this->ensureTable();
        try {
            // The records' JSON has `"user_id":N,` in this exact form (encode()); the
            // match is confirmed on the decoded record.
            $rows = Capsule::table(self::TABLE)
                ->where('record', 'like', '%"user_id":' . $userId . ',%')
                ->orderBy('serviceid')
                ->get();
        } catch (\Throwable $e) {
            throw FlvxTable::failure('looking up the service of panel user ' . $userId, $e);
        }
        foreach ($rows as $row) {
            $data = json_decode((string) $row->record, true);
            if (is_array($data) && isset($data['user_id']) && (int) $data['user_id'] === $userId) {
                return (int) $row->serviceid;
            }
        }
        return null;
    }

    /**
     * Every panel user bound to a service, as `user id => service id` (one query over the
     * whole table; Server Sync needs to know which users no service holds).
     *
     * @return array<int, int>
     */
    public function linkedUsers(): array
    {
        $this->ensureTable();
        $users = array();
        try {
            foreach (Capsule::table(self::TABLE)->orderBy('serviceid')->get() as $row) {
                $data = json_decode((string) $row->record, true);
                if (is_array($data) && isset($data['user_id']) && is_numeric($data['user_id'])
                    && !isset($users[(int) $data['user_id']])) {
                    $users[(int) $data['user_id']] = (int) $row->serviceid;
                }
            }
        } catch (\Throwable $e) {
            throw FlvxTable::failure('reading the service records', $e);
        }
        return $users;
    }

    /**
     * Writes the panel username onto the WHMCS service (`tblhosting.username`), so the
     * product page and the welcome e-mail show the login the customer really has.
     */
    public function setServiceUsername(int $serviceId, string $username): void
    {
        try {
            Capsule::table('tblhosting')->where('id', $serviceId)->update(array('username' => $username));
        } catch (\Throwable $e) {
            throw FlvxTable::failure('writing the username of service ' . $serviceId . ' to tblhosting', $e);
        }
    }

    /**
     * Writes the panel login onto the WHMCS service (`tblhosting.username`, and the
     * password encrypted as WHMCS keeps it): an import from 1.0, whose customers keep the
     * password 1.0 gave them, which WHMCS never had.
     */
    public function setServiceLogin(int $serviceId, string $username, string $password): void
    {
        try {
            Capsule::table('tblhosting')->where('id', $serviceId)->update(array(
                'username' => $username,
                'password' => encrypt($password),
            ));
        } catch (\Throwable $e) {
            throw FlvxTable::failure('writing the login of service ' . $serviceId . ' to tblhosting', $e);
        }
    }

    /**
     * A record with every field present and of the right type (ids as integers, bindings
     * sorted by tunnel id like the Rust `BTreeMap`).
     */
    public static function normalise(array $data): array
    {
        $record = self::defaultRecord();
        if (isset($data['username']) && is_scalar($data['username']) && (string) $data['username'] !== '') {
            $record['username'] = (string) $data['username'];
        }
        if (isset($data['user_id']) && is_numeric($data['user_id'])) {
            $record['user_id'] = (int) $data['user_id'];
        }
        if (isset($data['bindings']) && is_array($data['bindings'])) {
            foreach ($data['bindings'] as $tunnel => $binding) {
                if (is_numeric($tunnel) && is_numeric($binding)) {
                    $record['bindings'][(int) $tunnel] = (int) $binding;
                }
            }
            ksort($record['bindings']);
        }
        foreach (array('suspended_forwards', 'customer_paused', 'repause_tunnels') as $list) {
            if (isset($data[$list]) && is_array($data[$list])) {
                foreach ($data[$list] as $id) {
                    if (is_numeric($id) && !in_array((int) $id, $record[$list], true)) {
                        $record[$list][] = (int) $id;
                    }
                }
            }
        }
        $record['create_pending'] = !empty($data['create_pending']);
        $record['suspended'] = !empty($data['suspended']);
        $record['terminated'] = !empty($data['terminated']);
        if (isset($data['pushed_expiry']) && is_numeric($data['pushed_expiry'])) {
            $record['pushed_expiry'] = (int) $data['pushed_expiry'];
        }
        if (isset($data['panel_secret']) && is_string($data['panel_secret']) && $data['panel_secret'] !== '') {
            $record['panel_secret'] = $data['panel_secret'];
        }
        return $record;
    }

    /**
     * The JSON form, field for field the serde form of the Rust `ServiceRecord`, with the
     * panel secret encrypted.
     */
    public static function encode(array $record): string
    {
        $wire = $record;
        $wire['bindings'] = (object) $record['bindings'];
        if ($record['panel_secret'] !== null) {
            $wire['panel_secret'] = encrypt($record['panel_secret']);
        }
        $json = json_encode($wire);
        if (!is_string($json)) {
            throw new FlvxProvisionException('store_failed', array(
                'detail' => 'the record could not be encoded as JSON (' . json_last_error_msg() . ')',
            ));
        }
        return $json;
    }

    /** A stored record with its panel secret decrypted. */
    private static function decrypted(array $data): array
    {
        if (isset($data['panel_secret']) && is_string($data['panel_secret']) && $data['panel_secret'] !== '') {
            $data['panel_secret'] = (string) decrypt($data['panel_secret']);
        }
        return $data;
    }

    private function rowExists(int $serviceId): bool
    {
        return Capsule::table(self::TABLE)->where('serviceid', $serviceId)->exists();
    }

    /** The first save: a process that inserted the row meanwhile makes it an update. */
    private function insertOrUpdate(int $serviceId, array $values): void
    {
        try {
            Capsule::table(self::TABLE)->insert(array_merge(array('serviceid' => $serviceId), $values));
        } catch (\Throwable $e) {
            if (!$this->rowExists($serviceId)) {
                throw $e;
            }
            Capsule::table(self::TABLE)->where('serviceid', $serviceId)->update($values);
        }
    }

    /**
     * Creates `mod_flvx_services` the first time it is needed; a process that loses the
     * race to create it uses the winner's.
     */
    private function ensureTable(): void
    {
        FlvxTable::ensure(self::TABLE, function ($table) {
            $table->unsignedInteger('serviceid')->primary();
            $table->text('record');
            $table->dateTime('updated_at')->nullable();
        });
    }
}
