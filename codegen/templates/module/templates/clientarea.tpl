{* FLVX service overview, rendered inside the product details page. Every value is
   formatted in PHP (FlvxViews) and escaped here with escape:'html' (htmlspecialchars with
   ENT_QUOTES, safe in quoted attributes too; 'htmlall' is avoided because Smarty 3.1
   implements it with a call PHP 8.2 deprecates). Bootstrap 3 and 4 classes are given
   together so the Six, Twenty-One and Nexus themes all lay it out; the few rules of our
   own are scoped to .flvx-service and undo what the themes' wrappers impose (Six centres
   the whole Manage tab, Bootstrap 3's .badge greys every label). Below 768 px the tables
   become one block per row, so every action stays on screen without sideways scrolling.
   The traffic charts are inline SVG drawn from geometry FlvxChart computed (the same in
   the Rust views): stretched to the card's width at a fixed height, values in each bar's
   <title> (hover), scale and dates as HTML text beside it so they stay legible on a
   phone. No script but the two buttons' handlers, and no braces in them (Smarty reads
   those). *}
{literal}
<style>
.flvx-service { text-align: left; }
.flvx-service .flvx-card-title { font-size: 16px; font-weight: 600; line-height: 1.4; margin: 0; }
.flvx-service .flvx-usage { margin-bottom: 6px; }
.flvx-service .flvx-bar { height: 10px; border-radius: 5px; background: #e9ecef; overflow: hidden; margin: 0 0 6px; }
.flvx-service .flvx-bar-fill { display: block; height: 100%; background: #337ab7; }
.flvx-service .flvx-bar-near .flvx-bar-fill { background: #e0a800; }
.flvx-service .flvx-bar-full .flvx-bar-fill { background: #c9302c; }
.flvx-service .flvx-usage-meta { color: #555; margin-bottom: 12px; }
.flvx-service .flvx-facts { margin: 0; }
.flvx-service .flvx-facts dt { font-weight: 600; margin-top: 8px; }
.flvx-service .flvx-facts dd { margin: 0; overflow-wrap: anywhere; }
.flvx-service .flvx-note { display: block; color: #555; font-size: 90%; }
.flvx-service .flvx-badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 85%; font-weight: 600; line-height: 1.5; color: #fff; white-space: nowrap; }
.flvx-service .flvx-badge-ok { background: #1e7e34; }
.flvx-service .flvx-badge-off { background: #5a6268; }
.flvx-service .flvx-badge-bad { background: #bd2130; }
.flvx-service .flvx-badge-warn { background: #8a5a00; }
.flvx-service .flvx-table { width: 100%; margin: 0; table-layout: auto; }
.flvx-service .flvx-table th { white-space: nowrap; text-align: left; }
.flvx-service .flvx-table td { overflow-wrap: anywhere; vertical-align: top; }
.flvx-service .flvx-table td.flvx-cell-name { min-width: 6em; }
.flvx-service .flvx-table code { white-space: normal; overflow-wrap: anywhere; word-break: break-all; }
.flvx-service .flvx-entries { list-style: none; margin: 0; padding: 0; }
.flvx-service .flvx-actions { display: flex; flex-wrap: wrap; gap: 6px; }
.flvx-service .flvx-actions form { display: inline; margin: 0; }
.flvx-service .flvx-secret { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.flvx-service .flvx-secret input { flex: 1 1 140px; min-width: 0; max-width: 260px; font-family: monospace; }
.flvx-service .flvx-add .form-group { min-width: 0; }
.flvx-service .flvx-charts { display: flex; flex-wrap: wrap; gap: 16px; margin-top: 12px; }
.flvx-service .flvx-chart { flex: 1 1 280px; min-width: 0; margin: 0; }
.flvx-service .flvx-chart figcaption { margin-bottom: 4px; }
.flvx-service .flvx-chart figcaption small { display: block; color: #555; }
.flvx-service .flvx-chart-scale, .flvx-service .flvx-chart-dates { display: flex; justify-content: space-between; gap: 8px; color: #555; font-size: 85%; }
.flvx-service .flvx-chart-svg { display: block; width: 100%; height: 120px; border-bottom: 1px solid #767676; }
.flvx-service .flvx-chart-hit { fill: transparent; }
.flvx-service .flvx-chart-fill { fill: #337ab7; }
.flvx-service .flvx-chart-over .flvx-chart-fill { fill: #c9302c; }
.flvx-service .flvx-chart-bar:hover .flvx-chart-fill { fill: #1d4f7a; }
.flvx-service .flvx-chart-over:hover .flvx-chart-fill { fill: #8f1f1c; }
.flvx-service .flvx-chart-quota { stroke: #8a5a00; stroke-width: 2; stroke-dasharray: 6 4; }
.flvx-service .flvx-chart-legend { margin: 4px 0 0; color: #8a5a00; font-size: 85%; }
@media (max-width: 767px) {
    .flvx-service .flvx-table thead { display: none; }
    .flvx-service .flvx-table, .flvx-service .flvx-table tbody, .flvx-service .flvx-table tr, .flvx-service .flvx-table td { display: block; width: 100%; }
    .flvx-service .flvx-table tr { border-top: 1px solid #ddd; padding: 8px 0; }
    .flvx-service .flvx-table td { border: 0; padding: 2px 12px; }
    .flvx-service .flvx-table td[data-label]::before { content: attr(data-label); display: block; font-weight: 600; font-size: 85%; color: #555; }
    .flvx-service .flvx-table td.flvx-cell-name { font-weight: 600; }
    .flvx-service .flvx-table td.flvx-cell-actions { padding-top: 8px; }
}
</style>
{/literal}
<div class="flvx-service flvx-state-{$flvx.state|escape:'html'}">
    {if $flvx.notice}
        <div class="alert {if $flvx.state == 'expired' || $flvx.state == 'over_quota'}alert-danger{else}alert-warning{/if}" role="alert">
            {$flvx.notice|escape:'html'}
            {if $flvx.state == 'over_quota' && isset($packagesupgrade) && $packagesupgrade}
                <a class="alert-link" href="upgrade.php?type=package&amp;id={$flvxServiceId|escape:'html'}">{$flvxLang.action_upgrade|escape:'html'}</a>
            {/if}
        </div>
    {elseif $flvx.warning}
        <div class="alert alert-warning" role="alert">
            {$flvx.warning|escape:'html'}
            {if isset($packagesupgrade) && $packagesupgrade}
                <a class="alert-link" href="upgrade.php?type=package&amp;id={$flvxServiceId|escape:'html'}">{$flvxLang.action_upgrade|escape:'html'}</a>
            {/if}
        </div>
    {/if}

    <div class="panel panel-default card mb-3 flvx-card">
        <div class="panel-heading card-header">
            <h3 class="panel-title card-title flvx-card-title">{$flvxLang.label_traffic|escape:'html'}</h3>
        </div>
        <div class="panel-body card-body">
            <p class="flvx-usage"><strong>{$flvx.usage|escape:'html'}</strong>{if !$flvx.unlimited} &middot; {$flvx.percent|escape:'html'}%{/if}</p>
            {if !$flvx.unlimited}
                <div class="flvx-bar{if $flvx.percent >= 100} flvx-bar-full{elseif $flvx.percent >= 80} flvx-bar-near{/if}" role="progressbar" aria-label="{$flvx.usage|escape:'html'}" aria-valuenow="{$flvx.percent|escape:'html'}" aria-valuemin="0" aria-valuemax="100">
                    <span class="flvx-bar-fill" style="width: {$flvx.percent|escape:'html'}%;"></span>
                </div>
                <p class="flvx-usage-meta">{$flvx.remaining|escape:'html'} &middot; {$flvxLang.label_reset|escape:'html'}: {$flvx.reset|escape:'html'}</p>
            {/if}
            <div class="row">
                <div class="col-sm-6 col-md-6">
                    <dl class="flvx-facts">
                        <dt>{$flvxLang.label_status|escape:'html'}</dt>
                        <dd><span class="flvx-badge {if $flvx.state == 'active'}flvx-badge-ok{elseif $flvx.state == 'suspended' || $flvx.state == 'disabled'}flvx-badge-warn{else}flvx-badge-bad{/if}">{$flvx.status|escape:'html'}</span></dd>
                        <dt>{$flvxLang.label_expiry|escape:'html'}</dt>
                        <dd>{$flvx.expires|escape:'html'}{if $flvx.expiry_note}<small class="flvx-note">{$flvx.expiry_note|escape:'html'}</small>{/if}</dd>
                    </dl>
                </div>
                <div class="col-sm-6 col-md-6">
                    <dl class="flvx-facts">
                        {if $flvx.unlimited}
                            <dt>{$flvxLang.label_reset|escape:'html'}</dt>
                            <dd>{$flvx.reset|escape:'html'}</dd>
                        {/if}
                        <dt>{$flvxLang.label_forwards|escape:'html'}</dt>
                        <dd>{$flvx.forward_count|escape:'html'}</dd>
                    </dl>
                </div>
            </div>
            {* strip: a chart is up to 54 bars, and their indentation would double its size. *}
            {strip}
            <div class="flvx-charts">
                {foreach $flvxCharts as $chartKey => $chart}
                    <figure class="flvx-chart flvx-chart-{$chartKey|escape:'html'}">
                        <figcaption><strong>{$chart.title|escape:'html'}</strong><small>{$chart.note|escape:'html'}</small></figcaption>
                        {if $chart.empty}
                            <p class="text-muted mb-0">{$chart.empty|escape:'html'}</p>
                        {else}
                            <div class="flvx-chart-scale"><span>{$chart.top|escape:'html'}</span></div>
                            <svg class="flvx-chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="{$chart.view_box|escape:'html'}" preserveAspectRatio="none" role="img" aria-label="{$chart.title|escape:'html'}">
                                {foreach $chart.bars as $bar}
                                    <g class="flvx-chart-bar{if $bar.over} flvx-chart-over{/if}"><title>{$bar.title|escape:'html'}</title><rect class="flvx-chart-hit" x="{$bar.slot_x|escape:'html'}" y="0" width="{$chart.slot_width|escape:'html'}" height="100%"></rect><rect class="flvx-chart-fill" x="{$bar.x|escape:'html'}" y="{$bar.y|escape:'html'}" width="{$bar.width|escape:'html'}" height="{$bar.height|escape:'html'}"></rect></g>
                                {/foreach}
                                {if $chart.quota}
                                    <line class="flvx-chart-quota" x1="0" x2="100%" y1="{$chart.quota_y|escape:'html'}" y2="{$chart.quota_y|escape:'html'}" vector-effect="non-scaling-stroke"></line>
                                {/if}
                            </svg>
                            <div class="flvx-chart-dates"><span>{$chart.start|escape:'html'}</span><span>{$chart.end|escape:'html'}</span></div>
                            {if $chart.quota_label}
                                <p class="flvx-chart-legend">{$chart.quota_label|escape:'html'}</p>
                            {/if}
                        {/if}
                    </figure>
                {/foreach}
            </div>
            {/strip}
        </div>
    </div>

    {if $flvx.login}
        <div class="panel panel-default card mb-3 flvx-card">
            <div class="panel-heading card-header">
                <h3 class="panel-title card-title flvx-card-title">{$flvxLang.label_panel_login|escape:'html'}</h3>
            </div>
            <div class="panel-body card-body">
                <dl class="flvx-facts">
                    <dt>{$flvxLang.label_panel|escape:'html'}</dt>
                    <dd>
                        {if $flvx.login.address}
                            <a href="{$flvx.login.address|escape:'html'}" target="_blank" rel="noopener noreferrer">{$flvx.login.address|escape:'html'}</a>
                        {else}
                            <span class="text-muted">{$flvxLang.login_address_missing|escape:'html'}</span>
                        {/if}
                    </dd>
                    <dt>{$flvxLang.label_username|escape:'html'}</dt>
                    <dd><code>{$flvx.login.username|escape:'html'}</code></dd>
                    <dt><label for="flvx-password-{$flvxServiceId|escape:'html'}">{$flvxLang.label_password|escape:'html'}</label></dt>
                    <dd class="flvx-secret">
                        <input type="password" readonly class="form-control input-sm form-control-sm" id="flvx-password-{$flvxServiceId|escape:'html'}" value="{$flvx.login.password|escape:'html'}" autocomplete="off">
                        <button type="button" class="btn btn-default btn-secondary btn-sm" onclick="var f = document.getElementById(this.getAttribute('data-for')); f.type = f.type === 'password' ? 'text' : 'password';" data-for="flvx-password-{$flvxServiceId|escape:'html'}">{$flvxLang.action_show_password|escape:'html'}</button>
                        <button type="button" class="btn btn-default btn-secondary btn-sm" onclick="var f = document.getElementById(this.getAttribute('data-for')); if (navigator.clipboard) navigator.clipboard.writeText(f.value);" data-for="flvx-password-{$flvxServiceId|escape:'html'}">{$flvxLang.action_copy|escape:'html'}</button>
                    </dd>
                </dl>
            </div>
        </div>
    {/if}

    {if $flvx.tunnels}
        <div class="panel panel-default card mb-3 flvx-card">
            <div class="panel-heading card-header">
                <h3 class="panel-title card-title flvx-card-title">{$flvxLang.label_tunnels|escape:'html'}</h3>
            </div>
            <table class="table table-striped mb-0 flvx-table">
                <thead>
                    <tr>
                        <th>{$flvxLang.col_name|escape:'html'}</th>
                        <th>{$flvxLang.col_speed|escape:'html'}</th>
                    </tr>
                </thead>
                <tbody>
                    {foreach $flvx.tunnels as $tunnel}
                        <tr>
                            <td class="flvx-cell-name">{$tunnel.name|escape:'html'}</td>
                            <td data-label="{$flvxLang.col_speed|escape:'html'}">{$tunnel.speed|escape:'html'}</td>
                        </tr>
                    {/foreach}
                </tbody>
            </table>
        </div>
    {/if}

    <div class="panel panel-default card mb-3 flvx-card">
        <div class="panel-heading card-header">
            <h3 class="panel-title card-title flvx-card-title">{$flvxLang.label_forwards|escape:'html'} ({$flvx.forward_count|escape:'html'})</h3>
        </div>
        {if $flvx.forwards}
            <table class="table table-striped mb-0 flvx-table">
                <thead>
                    <tr>
                        <th>{$flvxLang.col_name|escape:'html'}</th>
                        <th>{$flvxLang.col_tunnel|escape:'html'}</th>
                        <th>{$flvxLang.col_entry|escape:'html'}</th>
                        <th>{$flvxLang.col_target|escape:'html'}</th>
                        <th>{$flvxLang.col_traffic|escape:'html'}</th>
                        <th>{$flvxLang.col_status|escape:'html'}</th>
                        <th>{$flvxLang.col_actions|escape:'html'}</th>
                    </tr>
                </thead>
                <tbody>
                    {foreach $flvx.forwards as $forward}
                        <tr>
                            <td class="flvx-cell-name">{$forward.name|escape:'html'}</td>
                            <td data-label="{$flvxLang.col_tunnel|escape:'html'}">{$forward.tunnel|escape:'html'}</td>
                            <td data-label="{$flvxLang.col_entry|escape:'html'}">
                                {if $forward.entries}
                                    <ul class="flvx-entries">
                                        {foreach $forward.entries as $entry}
                                            <li><code>{$entry|escape:'html'}</code></li>
                                        {/foreach}
                                    </ul>
                                {else}
                                    <span class="text-muted">{$flvxLang.entry_unknown|escape:'html'}</span>
                                {/if}
                            </td>
                            <td data-label="{$flvxLang.col_target|escape:'html'}"><code>{$forward.target|escape:'html'}</code></td>
                            <td data-label="{$flvxLang.col_traffic|escape:'html'}">{$forward.traffic|escape:'html'}</td>
                            <td data-label="{$flvxLang.col_status|escape:'html'}">
                                <span class="flvx-badge {if $forward.running}flvx-badge-ok{else}flvx-badge-off{/if}">{$forward.status|escape:'html'}</span>
                            </td>
                            <td class="flvx-cell-actions">
                                <div class="flvx-actions">
                                    {if $forward.running}
                                        <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=PauseForward">
                                            <input type="hidden" name="token" value="{$token|escape:'html'}">
                                            <input type="hidden" name="forward_id" value="{$forward.id|escape:'html'}">
                                            <button type="submit" class="btn btn-default btn-secondary btn-sm">{$flvxLang.action_pause|escape:'html'}</button>
                                        </form>
                                    {elseif !$flvxSuspended}
                                        <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=ResumeForward">
                                            <input type="hidden" name="token" value="{$token|escape:'html'}">
                                            <input type="hidden" name="forward_id" value="{$forward.id|escape:'html'}">
                                            <button type="submit" class="btn btn-default btn-secondary btn-sm">{$flvxLang.action_resume|escape:'html'}</button>
                                        </form>
                                    {/if}
                                    {if $flvxCanResetTraffic}
                                        <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=ResetForwardTraffic">
                                            <input type="hidden" name="token" value="{$token|escape:'html'}">
                                            <input type="hidden" name="forward_id" value="{$forward.id|escape:'html'}">
                                            <button type="submit" class="btn btn-default btn-secondary btn-sm">{$flvxLang.action_reset_forward|escape:'html'}</button>
                                        </form>
                                    {/if}
                                    <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=DeleteForward" data-confirm="{$flvxLang.confirm_delete|escape:'html'}" onsubmit="return window.confirm(this.getAttribute('data-confirm'));">
                                        <input type="hidden" name="token" value="{$token|escape:'html'}">
                                        <input type="hidden" name="forward_id" value="{$forward.id|escape:'html'}">
                                        <button type="submit" class="btn btn-danger btn-sm">{$flvxLang.action_delete|escape:'html'}</button>
                                    </form>
                                </div>
                            </td>
                        </tr>
                    {/foreach}
                </tbody>
            </table>
        {else}
            <div class="panel-body card-body">
                <p class="text-muted mb-0">{$flvxLang.no_forwards|escape:'html'}</p>
            </div>
        {/if}
        {if $flvxCanAdd || $flvxLimitText}
            <div class="panel-footer card-footer">
                {if $flvxCanAdd}
                    <form method="post" class="flvx-add" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=AddForward">
                        <input type="hidden" name="token" value="{$token|escape:'html'}">
                        <h4 class="flvx-card-title">{$flvxLang.action_add_forward|escape:'html'}</h4>
                        <div class="row">
                            <div class="col-sm-6 col-md-3 form-group">
                                <label for="flvx-forward-name">{$flvxLang.col_name|escape:'html'}</label>
                                <input type="text" class="form-control" id="flvx-forward-name" name="name" maxlength="100" required>
                            </div>
                            <div class="col-sm-6 col-md-3 form-group">
                                <label for="flvx-forward-tunnel">{$flvxLang.col_tunnel|escape:'html'}</label>
                                <select class="form-control custom-select" id="flvx-forward-tunnel" name="tunnel_id">
                                    {foreach $flvxAddTunnels as $tunnel}
                                        <option value="{$tunnel.id|escape:'html'}">{$tunnel.name|escape:'html'} ({$tunnel.speed|escape:'html'})</option>
                                    {/foreach}
                                </select>
                            </div>
                            <div class="col-sm-6 col-md-3 form-group">
                                <label for="flvx-forward-target">{$flvxLang.col_target|escape:'html'}</label>
                                <input type="text" class="form-control" id="flvx-forward-target" name="target" placeholder="198.51.100.7:443" required>
                                <small class="help-block form-text text-muted">{$flvxLang.hint_target|escape:'html'}</small>
                            </div>
                            <div class="col-sm-6 col-md-3 form-group">
                                <label for="flvx-forward-port">{$flvxLang.col_port|escape:'html'}</label>
                                <input type="number" class="form-control" id="flvx-forward-port" name="port" min="1" max="65535">
                                <small class="help-block form-text text-muted">{$flvxLang.hint_port|escape:'html'}</small>
                            </div>
                        </div>
                        <button type="submit" class="btn btn-primary">{$flvxLang.action_add_forward|escape:'html'}</button>
                    </form>
                {else}
                    <p class="text-muted mb-0">{$flvxLimitText|escape:'html'}</p>
                {/if}
            </div>
        {/if}
    </div>
</div>
