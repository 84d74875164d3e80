/**
 * Generated from openapi/openapi.json by openapi-typescript (client/scripts/openapi-types.ts): do not edit.
 * `npm run openapi` writes the document and then these types; a test fails when they are out of date.
 */

export interface paths {
    "/api/chat-sessions/{sessionId}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the config, its version and the time of its last write
         * @description Answers the config of one of your sessions as stored, with its version (also its `ETag`) and the time of its last write; another user's session is answered as a missing one, 404. With `If-None-Match` naming the current version, answers 304 without a body; with `If-Match` not naming it, 412. Requires a token with the scope `chat-config/read`.
         */
        get: operations["getChatConfig"];
        /**
         * Replace the whole config
         * @description The replace of POST, under the method HTTP names for it: same body, same answers. The session must exist and be yours: a write never creates one, and answers 404 for another user's. Send the version you read in `If-Match` to write only over it (412 otherwise, nothing written), and an `Idempotency-Key` to retry the write safely. Requires a token with the scope `chat-config/write`.
         */
        put: operations["replaceChatConfig"];
        /**
         * Replace the whole config (as the original endpoint did)
         * @description Replaces the whole config with the body's `config`, validated whole, and answers it as stored with its new version and the original endpoint's `message`. The session must exist and be yours: a write never creates one, and answers 404 for another user's. Send the version you read in `If-Match` to write only over it (412 otherwise, nothing written), and an `Idempotency-Key` to retry the write safely. Requires a token with the scope `chat-config/write`.
         */
        post: operations["updateChatConfig"];
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Merge a JSON Merge Patch (RFC 7396) into the config: set the fields given, remove those set to null
         * @description Sets each field the patch gives, removes each it sets to null, keeps the others, and answers the config as stored with its new version; the config it makes must be valid as a whole. Concurrent patches of different fields both land. The session must exist and be yours: a write never creates one, and answers 404 for another user's. Send the version you read in `If-Match` to write only over it (412 otherwise, nothing written), and an `Idempotency-Key` to retry the write safely. Requires a token with the scope `chat-config/write`.
         */
        patch: operations["patchChatConfig"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ChatConfig: {
            model?: string;
            temperature?: number;
            max_tokens?: number;
            top_p?: number;
            presence_penalty?: number;
            frequency_penalty?: number;
            stop?: string | string[];
            /** @description At most 65536 bytes in UTF-8 */
            system_prompt?: string;
        };
        ChatConfigPatch: {
            model?: string | null;
            temperature?: number | null;
            max_tokens?: number | null;
            top_p?: number | null;
            presence_penalty?: number | null;
            frequency_penalty?: number | null;
            stop?: (string | string[]) | null;
            system_prompt?: string | null;
        };
        ReplaceConfigRequest: {
            config: components["schemas"]["ChatConfig"];
        };
        SessionConfig: {
            sessionId: string;
            config: components["schemas"]["ChatConfig"];
            version: number;
            updatedAt: string | null;
        };
        UnvalidatedSessionConfig: {
            sessionId: string;
            config: {
                [key: string]: unknown;
            };
            /** @constant */
            version: 0;
            updatedAt: null;
        };
        ConfigUpdated: {
            sessionId: string;
            config: components["schemas"]["ChatConfig"];
            version: number;
            updatedAt: string | null;
            /** @constant */
            message: "Chat configuration updated successfully";
        };
        /** @description API Gateway's own answer, as `application/json`: the function's errors are `application/problem+json` */
        ApiGatewayMessage: {
            message: string;
        };
    };
    responses: {
        /** @description Unauthorized: no token, or one the authorizer refuses (expired, not valid yet, another issuer or audience, a bad signature); API Gateway answers `{"message": "Unauthorized"}` without running the function. The function itself answers a problem when a request reaches it without a verified caller (a route deployed without its authorizer) */
        Unauthorized: {
            headers: {
                /** @description The Bearer scheme; from the authorizer also `error` and `error_description` saying why (RFC 6750 §3), e.g. `Bearer scope="" error="invalid_token" error_description="the token has expired"` */
                "WWW-Authenticate": string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Unauthorized"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:unauthorized";
                    /** @enum {string} */
                    title: "Unauthorized";
                    /** @constant */
                    status: 401;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Forbidden: the token is valid but carries none of the operation's scopes; API Gateway answers without running the function */
        Forbidden: {
            headers: {
                /** @description The Bearer scheme; from the authorizer also `error` and `error_description` saying why (RFC 6750 §3), e.g. `Bearer scope="" error="invalid_token" error_description="the token has expired"` */
                "WWW-Authenticate": string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Forbidden"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
            };
        };
        /** @description Not Modified: `If-None-Match` names the current version (or is `*`); no body */
        NotModified: {
            headers: {
                /** @description The version of the config, as an entity tag */
                ETag: string;
                [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Bad Request: a bad session id, a malformed If-Match or If-None-Match. API Gateway answers `{"message": "Bad Request"}` itself to a request it cannot parse, such as a path that is not valid percent-encoding */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Bad Request"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:bad-request";
                    /** @enum {string} */
                    title: "Bad Request";
                    /** @constant */
                    status: 400;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Bad Request: malformed JSON, a body that is not UTF-8, nests deeper than 32 levels or holds more than 1000 values in its arrays and objects, a body of the wrong shape, a bad session id, a malformed If-Match, Idempotency-Key, If-None-Match on a write; or no Idempotency-Key where the deployment requires one (`idempotency-key-missing`). API Gateway answers `{"message": "Bad Request"}` itself to a request it cannot parse, such as a path that is not valid percent-encoding */
        BadRequestOnWrite: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Bad Request"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:bad-request" | "urn:chat-config:problem:idempotency-key-missing";
                    /** @enum {string} */
                    title: "Bad Request";
                    /** @constant */
                    status: 400;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Conflict: the first request with this Idempotency-Key is still running; retry after `Retry-After` seconds to get its response */
        IdempotencyKeyInUse: {
            headers: {
                /** @description Seconds to wait */
                "Retry-After": number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:idempotency-key-in-use";
                    /** @enum {string} */
                    title: "Conflict";
                    /** @constant */
                    status: 409;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Not Found: you have no session with that id; another user's session is answered exactly alike. Nothing is created or changed. API Gateway answers `{"message": "Not Found"}` itself to a path no route matches, such as one with an empty session id */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Not Found"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:session-not-found";
                    /** @enum {string} */
                    title: "Not Found";
                    /** @constant */
                    status: 404;
                    detail: string;
                    /** @enum {string} */
                    error: "Chat session not found or update failed";
                };
            };
        };
        /** @description Precondition Failed: `If-Match` does not name the current version; nothing is written. `ETag` is the current one */
        PreconditionFailed: {
            headers: {
                /** @description The version of the config, as an entity tag */
                ETag: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:precondition-failed";
                    /** @enum {string} */
                    title: "Precondition Failed";
                    /** @constant */
                    status: 412;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Content Too Large: the body exceeds 400735 bytes, or the session item would exceed DynamoDB's 400 KB. API Gateway answers `{"message": "Request Entity Too Large"}` itself to a body over 10 MB, without running the function */
        ContentTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Request Entity Too Large"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:payload-too-large" | "urn:chat-config:problem:session-too-large";
                    /** @enum {string} */
                    title: "Content Too Large";
                    /** @constant */
                    status: 413;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Unprocessable Content: the config breaks the schema; `errors` lists the first 20 violations, each `path` a JSON Pointer into the body. Or the Idempotency-Key was used for another request (`idempotency-key-reused`) */
        UnprocessableContent: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:validation-failed" | "urn:chat-config:problem:idempotency-key-reused";
                    /** @enum {string} */
                    title: "Unprocessable Content";
                    /** @constant */
                    status: 422;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                    /** @description Only in a urn:chat-config:problem:validation-failed problem */
                    errors?: {
                        /** @description JSON Pointer (RFC 6901) into the request body */
                        path: string;
                        message: string;
                    }[];
                };
            };
        };
        /** @description Unprocessable Content: the patch, or the config it would make, breaks the schema; `errors` lists the first 20 violations, each `path` a JSON Pointer into the patched config. A value stored before this API validated configs is named as such. Or the Idempotency-Key was used for another request (`idempotency-key-reused`) */
        UnprocessableContentForPatch: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:validation-failed" | "urn:chat-config:problem:idempotency-key-reused";
                    /** @enum {string} */
                    title: "Unprocessable Content";
                    /** @constant */
                    status: 422;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                    /** @description Only in a urn:chat-config:problem:validation-failed problem */
                    errors?: {
                        /** @description JSON Pointer (RFC 6901) into the request body */
                        path: string;
                        message: string;
                    }[];
                };
            };
        };
        /** @description Request Header Fields Too Large: the header values exceed 10240 bytes in all. API Gateway refuses such requests itself (its quota counts the request line too); the function applies the limit behind any other front */
        RequestHeaderFieldsTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:header-fields-too-large";
                    /** @enum {string} */
                    title: "Request Header Fields Too Large";
                    /** @constant */
                    status: 431;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Precondition Required: this deployment requires `If-Match` with a version on every write */
        PreconditionRequired: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:precondition-required";
                    /** @enum {string} */
                    title: "Precondition Required";
                    /** @constant */
                    status: 428;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Unsupported Media Type: the body must be sent as application/json, in UTF-8 (a `charset` other than `utf-8` is refused) */
        UnsupportedMediaType: {
            headers: {
                accept: "application/json";
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:unsupported-media-type";
                    /** @enum {string} */
                    title: "Unsupported Media Type";
                    /** @constant */
                    status: 415;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Unsupported Media Type: the body must be sent as application/merge-patch+json, in UTF-8 (a `charset` other than `utf-8` is refused) */
        UnsupportedMediaTypeForPatch: {
            headers: {
                accept: "application/merge-patch+json";
                "accept-patch": "application/merge-patch+json";
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:unsupported-media-type";
                    /** @enum {string} */
                    title: "Unsupported Media Type";
                    /** @constant */
                    status: 415;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Too Many Requests: API Gateway's throttling, before the function runs */
        TooManyRequests: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Too Many Requests"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
            };
        };
        /** @description Internal Server Error: a fixed sentence, never details. API Gateway answers `{"message": "Internal Server Error"}` itself when the invocation fails: Lambda throttled the function, or it crashed, ran out of time or memory, or failed its cold start */
        InternalServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Internal Server Error"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
                "application/problem+json": {
                    /** @enum {string} */
                    type: "about:blank";
                    /** @enum {string} */
                    title: "Internal Server Error";
                    /** @constant */
                    status: 500;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
        /** @description Service Unavailable: DynamoDB is throttling, unreachable or too slow (the sessions' table, or for a write with an Idempotency-Key the idempotency records'); retry after `Retry-After` seconds. API Gateway answers `{"message": "Service Unavailable"}` itself when the function has not answered within the integration's 30 s, without `Retry-After` */
        ServiceUnavailable: {
            headers: {
                /** @description Seconds to wait; sent with the function's problem details only */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Service Unavailable"
                 *     }
                 */
                "application/json": components["schemas"]["ApiGatewayMessage"];
                "application/problem+json": {
                    /** @enum {string} */
                    type: "urn:chat-config:problem:temporarily-unavailable";
                    /** @enum {string} */
                    title: "Service Unavailable";
                    /** @constant */
                    status: 503;
                    detail: string;
                    /** @enum {string} */
                    error: "Failed to update chat configuration";
                };
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getChatConfig: {
        parameters: {
            query?: never;
            header?: {
                /** @description Answer 304 without a body if the config is at one of these versions. `*`, or a comma-separated list of up to 16 entity tags, strong or weak, e.g. `"7"` or `"7", W/"8"`. */
                "If-None-Match"?: string;
                /** @description Answer 412 unless the config is at one of these versions. `*`, or a comma-separated list of up to 16 entity tags, strong or weak, e.g. `"7"` or `"7", W/"8"`. */
                "If-Match"?: string;
            };
            path: {
                /** @description The chat session: 1 to 128 of A-Z a-z 0-9 _ - */
                sessionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The config as stored. A session never written through this API has version 0, `updatedAt` null, and its config as it is (`{}` if none): another system may have stored fields the ChatConfig schema refuses */
            200: {
                headers: {
                    /** @description The version of the config, as an entity tag */
                    ETag: string;
                    "Cache-Control": "private, no-cache";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionConfig"] | components["schemas"]["UnvalidatedSessionConfig"];
                };
            };
            304: components["responses"]["NotModified"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeaderFieldsTooLarge"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    replaceChatConfig: {
        parameters: {
            query?: never;
            header?: {
                /** @description Write only if the config is at one of these versions (strong comparison), else 412. Required (and `*` refused, 428) when the deployment sets requireIfMatch. `*`, or a comma-separated list of up to 16 entity tags, strong or weak, e.g. `"7"` or `"7", W/"8"`. */
                "If-Match"?: string;
                /** @description A new unique value for this write (a UUID), sent again unchanged on each retry of it: a Structured Field String of 1 to 255 printable ASCII characters, quoted (`"…"`, a quote or backslash inside escaped by a backslash) or unquoted (then without spaces, quotes, backslashes or commas), both the same key. For 24 hours, a retry by the same user on the same session gets the first 200 again, with Idempotent-Replayed, and writes nothing; the same key with another method, If-Match or body is a 422, while the first still runs a 409. Required (400 without it) when the deployment sets requireIdempotencyKey. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The chat session: 1 to 128 of A-Z a-z 0-9 _ - */
                sessionId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "config": {
                 *         "model": "gpt-4",
                 *         "temperature": 0.7,
                 *         "max_tokens": 2000
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ReplaceConfigRequest"];
            };
        };
        responses: {
            /** @description The config as stored by this write, with its new version as `ETag`; or, to a retry with the same Idempotency-Key, the very response of the first request */
            200: {
                headers: {
                    /** @description The version of the config, as an entity tag */
                    ETag: string;
                    /** @description Sent only on a replay: this is the response of an earlier request with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigUpdated"];
                };
            };
            400: components["responses"]["BadRequestOnWrite"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyKeyInUse"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableContent"];
            428: components["responses"]["PreconditionRequired"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeaderFieldsTooLarge"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateChatConfig: {
        parameters: {
            query?: never;
            header?: {
                /** @description Write only if the config is at one of these versions (strong comparison), else 412. Required (and `*` refused, 428) when the deployment sets requireIfMatch. `*`, or a comma-separated list of up to 16 entity tags, strong or weak, e.g. `"7"` or `"7", W/"8"`. */
                "If-Match"?: string;
                /** @description A new unique value for this write (a UUID), sent again unchanged on each retry of it: a Structured Field String of 1 to 255 printable ASCII characters, quoted (`"…"`, a quote or backslash inside escaped by a backslash) or unquoted (then without spaces, quotes, backslashes or commas), both the same key. For 24 hours, a retry by the same user on the same session gets the first 200 again, with Idempotent-Replayed, and writes nothing; the same key with another method, If-Match or body is a 422, while the first still runs a 409. Required (400 without it) when the deployment sets requireIdempotencyKey. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The chat session: 1 to 128 of A-Z a-z 0-9 _ - */
                sessionId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "config": {
                 *         "model": "gpt-4",
                 *         "temperature": 0.7,
                 *         "max_tokens": 2000
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ReplaceConfigRequest"];
            };
        };
        responses: {
            /** @description The config as stored by this write, with its new version as `ETag`; or, to a retry with the same Idempotency-Key, the very response of the first request */
            200: {
                headers: {
                    /** @description The version of the config, as an entity tag */
                    ETag: string;
                    /** @description Sent only on a replay: this is the response of an earlier request with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigUpdated"];
                };
            };
            400: components["responses"]["BadRequestOnWrite"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyKeyInUse"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableContent"];
            428: components["responses"]["PreconditionRequired"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeaderFieldsTooLarge"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    patchChatConfig: {
        parameters: {
            query?: never;
            header?: {
                /** @description Write only if the config is at one of these versions (strong comparison), else 412. Required (and `*` refused, 428) when the deployment sets requireIfMatch. `*`, or a comma-separated list of up to 16 entity tags, strong or weak, e.g. `"7"` or `"7", W/"8"`. */
                "If-Match"?: string;
                /** @description A new unique value for this write (a UUID), sent again unchanged on each retry of it: a Structured Field String of 1 to 255 printable ASCII characters, quoted (`"…"`, a quote or backslash inside escaped by a backslash) or unquoted (then without spaces, quotes, backslashes or commas), both the same key. For 24 hours, a retry by the same user on the same session gets the first 200 again, with Idempotent-Replayed, and writes nothing; the same key with another method, If-Match or body is a 422, while the first still runs a 409. Required (400 without it) when the deployment sets requireIdempotencyKey. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The chat session: 1 to 128 of A-Z a-z 0-9 _ - */
                sessionId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "temperature": 0.2,
                 *       "system_prompt": null
                 *     }
                 */
                "application/merge-patch+json": components["schemas"]["ChatConfigPatch"];
            };
        };
        responses: {
            /** @description The config as stored by this write, with its new version as `ETag`; or, to a retry with the same Idempotency-Key, the very response of the first request */
            200: {
                headers: {
                    /** @description The version of the config, as an entity tag */
                    ETag: string;
                    /** @description Sent only on a replay: this is the response of an earlier request with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigUpdated"];
                };
            };
            400: components["responses"]["BadRequestOnWrite"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyKeyInUse"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaTypeForPatch"];
            422: components["responses"]["UnprocessableContentForPatch"];
            428: components["responses"]["PreconditionRequired"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeaderFieldsTooLarge"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
