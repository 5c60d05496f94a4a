import "server-only";
import { getEnv } from "../config/env";
import { getDatabaseHandle } from "../db";
import { getLogger } from "../observability/logger";
import { demoRoot, type DemoContext } from "./environment";

/** Where this process's demo environment lives: everything a demo part needs except who acts. */
export type DemoSite = Omit<DemoContext, "actor">;

/** The console's own demo site (tests hand their own through the tRPC context instead). */
export async function processDemoSite(): Promise<DemoSite> {
  const env = getEnv();
  return {
    handle: await getDatabaseHandle(),
    root: demoRoot(env.KEEL_DATA_DIR),
    publicUrl: env.publicUrl,
    log: getLogger(),
  };
}
