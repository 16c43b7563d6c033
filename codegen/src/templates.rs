//! One askama template per generated file. Each sees the whole IR; templates only loop
//! and branch over it.

use crate::ir::ModuleIr;
use askama::Template;

macro_rules! templates {
    ($($name:ident => $path:literal,)*) => {$(
        #[derive(Template)]
        #[template(path = $path)]
        #[allow(dead_code)] // static templates do not read the IR
        pub(crate) struct $name<'a> {
            pub(crate) ir: &'a ModuleIr,
        }
    )*};
}

templates! {
    ModuleFile => "module/flvx.php",
    HooksFile => "module/hooks.php",
    WhmcsJson => "module/whmcs.json",
    AdminReadme => "module/README.md",
    ApiClientFile => "module/lib/FlvxApiClient.php",
    HttpFile => "module/lib/FlvxHttp.php",
    ApiExceptionFile => "module/lib/FlvxApiException.php",
    TokenCacheFile => "module/lib/FlvxTokenCache.php",
    OptionsFile => "module/lib/FlvxOptions.php",
    LangFile => "module/lib/FlvxLang.php",
    ConstantsFile => "module/lib/FlvxConstants.php",
    ProvisionExceptionFile => "module/lib/FlvxProvisionException.php",
    ServiceFile => "module/lib/FlvxService.php",
    ForwardPolicyFile => "module/lib/FlvxForwardPolicy.php",
    EngineFile => "module/lib/FlvxEngine.php",
    EngineAccessFile => "module/lib/engine/access.php",
    EngineBatchFile => "module/lib/engine/batch.php",
    EngineCreateFile => "module/lib/engine/create.php",
    EngineCustomerFile => "module/lib/engine/customer.php",
    EngineImportFile => "module/lib/engine/import.php",
    EngineLinkFile => "module/lib/engine/link.php",
    EnginePackageFile => "module/lib/engine/package.php",
    EngineOwnershipFile => "module/lib/engine/ownership.php",
    EngineParallelFile => "module/lib/engine/parallel.php",
    EngineReconcileFile => "module/lib/engine/reconcile.php",
    EngineRepushFile => "module/lib/engine/repush.php",
    EngineSuspendFile => "module/lib/engine/suspend.php",
    EngineTerminateFile => "module/lib/engine/terminate.php",
    EngineTrafficFile => "module/lib/engine/traffic.php",
    EngineUsageFile => "module/lib/engine/usage.php",
    EngineViewsFile => "module/lib/engine/views.php",
    StoreFile => "module/lib/FlvxStore.php",
    ReconcileJobFile => "module/lib/FlvxReconcileJob.php",
    ServiceLockFile => "module/lib/FlvxServiceLock.php",
    TableFile => "module/lib/FlvxTable.php",
    ViewsFile => "module/lib/FlvxViews.php",
    ChartFile => "module/lib/FlvxChart.php",
    DailyUsageFile => "module/lib/FlvxDailyUsage.php",
    MetricProviderFile => "module/lib/FlvxMetricProvider.php",
    ClientAreaTpl => "module/templates/clientarea.tpl",
    ErrorTpl => "module/templates/error.tpl",
}

/// A language file: the catalogue in one language.
#[derive(Template)]
#[template(path = "module/lang/lang.php")]
pub(crate) struct LanguageFile<'a> {
    pub(crate) ir: &'a ModuleIr,
    /// `true` for Chinese, `false` for English.
    pub(crate) chinese: bool,
}
