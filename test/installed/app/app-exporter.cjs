// The app's own tracing backend (a stand-in for Jaeger, Honeycomb...): every span it receives, one JSON line
// per span in the file APP_SPANS.
const { appendFileSync } = require('node:fs');

class AppFileExporter {
  export(spans, done) {
    for (const s of spans) {
      const ctx = s.spanContext();
      appendFileSync(
        process.env.APP_SPANS,
        `${JSON.stringify({ name: s.name, traceId: ctx.traceId, spanId: ctx.spanId, parentSpanId: s.parentSpanContext?.spanId, kind: s.attributes['agentops.span.kind'] })}\n`,
      );
    }
    done({ code: 0 });
  }
  async shutdown() {}
}
module.exports = { AppFileExporter };
