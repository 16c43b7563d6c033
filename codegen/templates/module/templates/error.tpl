{* Shown in place of the FLVX overview when it cannot be built; the message is already in
   the customer's language and says what to do. *}
<div class="flvx-service">
    <div class="alert alert-danger" role="alert">{$flvxError|escape:'html'}</div>
</div>
