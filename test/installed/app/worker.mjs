// A worker thread that records: its own init() joins the session the worker was started in.
import * as agentops from '@agentops/otel';

const session = agentops.init({ logLevel: 'warn' });
session.record(new agentops.ActionEvent({ actionType: 'in-worker' }));
await agentops.flush();
