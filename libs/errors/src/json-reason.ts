/**
 * Why a JSON text did not parse, without any of the text. V8's SyntaxError quotes the input
 * (`Unexpected token 's', ..."{"value": sk-li"... is not valid JSON`), and a body may hold a
 * secret or a key: what is said back to a client or written to a log keeps only the reason and
 * the position.
 */
export function jsonSyntaxReason(message: string): string {
  const quoted = message.search(/,\s*(?:\.\.\.)?"/);
  const reason = (quoted >= 0 ? message.slice(0, quoted) : message).replace(/\s*is not valid JSON$/, '').trim();
  return reason || 'malformed JSON';
}
