export interface Cluster {
  /** The admin URL (user `agentops`, database `postgres`, trust auth on 127.0.0.1). */
  url: string;
  stop(): void;
}
/** A throwaway cluster in a temp folder; `durable` keeps fsync on (benchmarks). */
export function startCluster(options?: { durable?: boolean }): Promise<Cluster>;
