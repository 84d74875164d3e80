/** The custom functions Powertools Idempotency's config builds by default: none are called on a field name. */
export class PowertoolsFunctions {}
