{* placeholder *}
