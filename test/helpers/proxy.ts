// The misbehaving proxy lives with the other fake peers, so the benchmarks use the same one.
export { startFaultProxy, type ProxyMode } from '@agentops/fake-llm';
