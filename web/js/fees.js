// fees.js - how a procedure's fee is paid.  Until fees can be paid online,
// they are paid at the reception counter: when the dossier is handed in, or
// when the result is collected, as the catalogue says for each channel
// (fees[].paid_at).  A fee not yet published is never shown as free.
import { t, el, money } from './lib.js';

// The sentence for the fee of a channel ('counter' or 'online'), or null
// when there is nothing to pay.
export function payText(proc, channel) {
  if (proc.payable === false) return t('fee_not_payable');
  const f = (proc.fees || []).find((x) => x.channel === channel);
  if (!f || !(f.amount > 0)) return null;
  return t(f.paid_at === 'return' ? 'pay_at_return' : 'pay_at_receipt', { amount: money(f.amount) });
}

// The same as a paragraph (null when nothing to pay).
export function payNote(proc, channel, id) {
  const s = payText(proc, channel);
  return s ? el('p', { class: 'pay-note', id, text: s }) : null;
}
