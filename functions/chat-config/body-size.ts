/**
 * Largest request body accepted, in bytes (after base64 decoding): the largest valid write, a replace or a patch with
 * every field at its limit, escaped and indented as widely as serializers write JSON. Whatever a valid config holds,
 * and however it is written, it fits; a larger body cannot be a valid write and is refused before it is read.
 * A test derives it from the request schemas (`test/helpers/largest-json.ts`): a limit changed there fails it until
 * this changes too. Written out rather than derived at cold start, where a schema the walk does not know would fail
 * the function instead of a test.
 */
export const MAX_BODY_BYTES = 400_735;
