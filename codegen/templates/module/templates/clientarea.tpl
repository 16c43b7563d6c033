{* FLVX service overview, rendered inside the product details page. Every value is
   formatted in PHP (FlvxViews) and escaped here with escape:'html' (htmlspecialchars with
   ENT_QUOTES, safe in quoted attributes too; 'htmlall' is avoided because Smarty 3.1
   implements it with a call PHP 8.2 deprecates). Bootstrap 3 and 4 classes are given
   together so the Six, Twenty-One and Nexus themes all lay it out. *}
<div class="flvx-service">
    {if $flvxSuspendedText}
        <div class="alert alert-warning" role="alert">{$flvxSuspendedText|escape:'html'}</div>
    {/if}

    <div class="panel panel-default card mb-3">
        <div class="panel-heading card-header">
            <h3 class="panel-title card-title mb-0">{$flvxLang.label_traffic|escape:'html'}</h3>
        </div>
        <div class="panel-body card-body">
            <p>
                <strong>{$flvx.used|escape:'html'}</strong> / {$flvx.quota|escape:'html'}
            </p>
            <div class="progress">
                <div class="progress-bar{if $flvx.percent >= 90} progress-bar-danger bg-danger{elseif $flvx.percent >= 75} progress-bar-warning bg-warning{/if}" role="progressbar" style="width: {$flvx.percent|escape:'html'}%;" aria-valuenow="{$flvx.percent|escape:'html'}" aria-valuemin="0" aria-valuemax="100">{$flvx.percent|escape:'html'}%</div>
            </div>
            <div class="row">
                <div class="col-sm-6 col-md-6">
                    <dl>
                        <dt>{$flvxLang.label_status|escape:'html'}</dt>
                        <dd>{$flvx.status|escape:'html'}</dd>
                        <dt>{$flvxLang.label_expiry|escape:'html'}</dt>
                        <dd>{$flvx.expires|escape:'html'}</dd>
                        <dt>{$flvxLang.label_reset|escape:'html'}</dt>
                        <dd>{$flvx.reset|escape:'html'}</dd>
                    </dl>
                </div>
                <div class="col-sm-6 col-md-6">
                    <dl>
                        <dt>{$flvxLang.label_panel|escape:'html'}</dt>
                        <dd><a href="{$flvxPanelUrl|escape:'html'}" target="_blank" rel="noopener noreferrer">{$flvxPanelUrl|escape:'html'}</a></dd>
                        <dt>{$flvxLang.label_username|escape:'html'}</dt>
                        <dd><code>{$flvxUsername|escape:'html'}</code></dd>
                        <dt>{$flvxLang.label_password|escape:'html'}</dt>
                        <dd><code>{$flvxPassword|escape:'html'}</code></dd>
                    </dl>
                </div>
            </div>
        </div>
    </div>

    <div class="panel panel-default card mb-3">
        <div class="panel-heading card-header">
            <h3 class="panel-title card-title mb-0">{$flvxLang.label_tunnels|escape:'html'}</h3>
        </div>
        <div class="table-responsive">
            <table class="table table-striped mb-0">
                <thead>
                    <tr>
                        <th>{$flvxLang.col_name|escape:'html'}</th>
                        <th>{$flvxLang.col_speed|escape:'html'}</th>
                    </tr>
                </thead>
                <tbody>
                    {foreach $flvx.tunnels as $tunnel}
                        <tr>
                            <td>{$tunnel.name|escape:'html'}</td>
                            <td>{$tunnel.speed|escape:'html'}</td>
                        </tr>
                    {foreachelse}
                        <tr>
                            <td colspan="2" class="text-muted">{$flvxLang.label_none|escape:'html'}</td>
                        </tr>
                    {/foreach}
                </tbody>
            </table>
        </div>
    </div>

    <div class="panel panel-default card mb-3">
        <div class="panel-heading card-header">
            <h3 class="panel-title card-title mb-0">{$flvxLang.label_forwards|escape:'html'} ({$flvx.forward_count|escape:'html'})</h3>
        </div>
        <div class="table-responsive">
            <table class="table table-striped mb-0">
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
                            <td>{$forward.name|escape:'html'}</td>
                            <td>{$forward.tunnel|escape:'html'}</td>
                            <td><code>{$forward.entry|escape:'html'}</code></td>
                            <td><code>{$forward.target|escape:'html'}</code></td>
                            <td>{$forward.traffic|escape:'html'}</td>
                            <td>
                                {if $forward.running}
                                    <span class="label label-success badge badge-success">{$forward.status|escape:'html'}</span>
                                {else}
                                    <span class="label label-default badge badge-secondary">{$forward.status|escape:'html'}</span>
                                {/if}
                            </td>
                            <td>
                                {if $forward.running}
                                    <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=PauseForward" style="display: inline;">
                                        <input type="hidden" name="token" value="{$token|escape:'html'}">
                                        <input type="hidden" name="forward_id" value="{$forward.id|escape:'html'}">
                                        <button type="submit" class="btn btn-default btn-secondary btn-sm">{$flvxLang.action_pause|escape:'html'}</button>
                                    </form>
                                {elseif !$flvxSuspended}
                                    <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=ResumeForward" style="display: inline;">
                                        <input type="hidden" name="token" value="{$token|escape:'html'}">
                                        <input type="hidden" name="forward_id" value="{$forward.id|escape:'html'}">
                                        <button type="submit" class="btn btn-default btn-secondary btn-sm">{$flvxLang.action_resume|escape:'html'}</button>
                                    </form>
                                {/if}
                                {if $flvxCanResetTraffic}
                                    <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=ResetForwardTraffic" style="display: inline;">
                                        <input type="hidden" name="token" value="{$token|escape:'html'}">
                                        <input type="hidden" name="forward_id" value="{$forward.id|escape:'html'}">
                                        <button type="submit" class="btn btn-default btn-secondary btn-sm">{$flvxLang.action_reset_forward|escape:'html'}</button>
                                    </form>
                                {/if}
                                <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=DeleteForward" style="display: inline;" data-confirm="{$flvxLang.confirm_delete|escape:'html'}" onsubmit="return window.confirm(this.getAttribute('data-confirm'));">
                                    <input type="hidden" name="token" value="{$token|escape:'html'}">
                                    <input type="hidden" name="forward_id" value="{$forward.id|escape:'html'}">
                                    <button type="submit" class="btn btn-danger btn-sm">{$flvxLang.action_delete|escape:'html'}</button>
                                </form>
                            </td>
                        </tr>
                    {foreachelse}
                        <tr>
                            <td colspan="7" class="text-muted">{$flvxLang.no_forwards|escape:'html'}</td>
                        </tr>
                    {/foreach}
                </tbody>
            </table>
        </div>
        <div class="panel-footer card-footer">
            {if $flvxCanAdd}
                <form method="post" action="clientarea.php?action=productdetails&amp;id={$flvxServiceId|escape:'html'}&amp;modop=custom&amp;a=AddForward">
                    <input type="hidden" name="token" value="{$token|escape:'html'}">
                    <h4>{$flvxLang.action_add_forward|escape:'html'}</h4>
                    <div class="row">
                        <div class="col-sm-3 col-md-3 form-group">
                            <label for="flvx-forward-name">{$flvxLang.col_name|escape:'html'}</label>
                            <input type="text" class="form-control" id="flvx-forward-name" name="name" maxlength="100" required>
                        </div>
                        <div class="col-sm-3 col-md-3 form-group">
                            <label for="flvx-forward-tunnel">{$flvxLang.col_tunnel|escape:'html'}</label>
                            <select class="form-control custom-select" id="flvx-forward-tunnel" name="tunnel_id">
                                {foreach $flvxAddTunnels as $tunnel}
                                    <option value="{$tunnel.id|escape:'html'}">{$tunnel.name|escape:'html'} ({$tunnel.speed|escape:'html'})</option>
                                {/foreach}
                            </select>
                        </div>
                        <div class="col-sm-3 col-md-3 form-group">
                            <label for="flvx-forward-target">{$flvxLang.col_target|escape:'html'}</label>
                            <input type="text" class="form-control" id="flvx-forward-target" name="target" placeholder="198.51.100.7:443" required>
                            <small class="help-block form-text text-muted">{$flvxLang.hint_target|escape:'html'}</small>
                        </div>
                        <div class="col-sm-3 col-md-3 form-group">
                            <label for="flvx-forward-port">{$flvxLang.col_port|escape:'html'}</label>
                            <input type="number" class="form-control" id="flvx-forward-port" name="port" min="1" max="65535">
                            <small class="help-block form-text text-muted">{$flvxLang.hint_port|escape:'html'}</small>
                        </div>
                    </div>
                    <button type="submit" class="btn btn-primary">{$flvxLang.action_add_forward|escape:'html'}</button>
                </form>
            {elseif $flvxLimitText}
                <p class="text-muted mb-0">{$flvxLimitText|escape:'html'}</p>
            {/if}
        </div>
    </div>
</div>
