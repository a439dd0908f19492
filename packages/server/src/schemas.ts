/** JSON schemas of the v2 bodies. Unknown fields are kept (events carry free-form params and returns). */

const nullableString = (maxLength = 1_000_000) => ({ type: ['string', 'null'], maxLength });
const nullableCount = { type: ['integer', 'null'], minimum: 0, maximum: 1e12 };
const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' };
const timestamp = { type: 'string', format: 'date-time' };
/** Event times are checked (and normalised to UTC) by `checkBatch`, once: a format check here would do it twice. */
const eventTime = { type: 'string', maxLength: 64 };

export const sessionBody = {
  type: 'object',
  required: ['session'],
  properties: {
    session: {
      type: 'object',
      required: ['session_id'],
      properties: {
        session_id: uuid,
        init_timestamp: timestamp,
        end_timestamp: { anyOf: [timestamp, { type: 'null' }] },
        end_state: { enum: ['Success', 'Failure', 'Fail', 'Indeterminate', null] },
        end_state_reason: nullableString(100_000),
        tags: { type: ['array', 'null'], maxItems: 1000, items: { type: 'string', maxLength: 1000 } },
        host_env: { type: ['object', 'null'] },
        video: nullableString(10_000),
        inherited: { type: 'boolean' },
      },
    },
  },
} as const;

export const eventsBody = {
  type: 'object',
  required: ['events'],
  properties: {
    events: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['id', 'event_type', 'init_timestamp'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 200 },
          event_type: { enum: ['llms', 'actions', 'tools', 'errors'] },
          session_id: uuid,
          init_timestamp: eventTime,
          end_timestamp: eventTime,
          agent_id: nullableString(200),
          model: nullableString(1000),
          prompt_tokens: nullableCount,
          completion_tokens: nullableCount,
          cache_read_tokens: nullableCount,
          cache_creation_tokens: nullableCount,
          reasoning_tokens: nullableCount,
          cost: { type: ['number', 'null'], minimum: 0, maximum: 1e9 },
        },
      },
    },
  },
} as const;

export const agentBody = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, name: { type: 'string', maxLength: 1000 }, session_id: uuid },
} as const;

export const reauthorizeBody = {
  type: 'object',
  required: ['session_id'],
  properties: { session_id: uuid },
} as const;

export const tokenBody = {
  type: 'object',
  required: ['api_key'],
  properties: { api_key: { type: 'string', maxLength: 100 } },
} as const;
