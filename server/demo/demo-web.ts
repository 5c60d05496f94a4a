import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { git, inTemporaryDirectory } from "../connectors/git";
import { removeTarget, saveTarget } from "../targets/commands";
import type { DemoContext, DemoPart } from "./environment";

export const DEMO_SERVICE = "demo-web";

/** The demo's releases, oldest first; the newest is the bad one the rollback runbook undoes. */
const RELEASES = [
  { version: "v1.0.0", notes: "First release", healthy: true },
  { version: "v1.1.0", notes: "Faster search", healthy: true },
  { version: "v1.2.0", notes: "New checkout page", healthy: true },
  { version: "v1.3.0", notes: "Switch payment provider (bad: checkout answers 503)", healthy: false },
];

const DEPLOYER = { name: "Demo Deployer", email: "deployer@demo.keel.local" };

export function demoDeployRepository(root: string): string {
  return path.join(root, "deploy", `${DEMO_SERVICE}.git`);
}

/** The health URL Keel serves itself for the demo service (see app/api/demo/services/[name]/health). */
export function demoHealthUrl(publicUrl: string): string {
  return new URL(`/api/demo/services/${DEMO_SERVICE}/health`, publicUrl).toString();
}

async function buildRepository(bare: string): Promise<void> {
  rmSync(bare, { recursive: true, force: true });
  mkdirSync(path.dirname(bare), { recursive: true });
  await git(["init", "--quiet", "--bare", "--initial-branch=main", bare], { cwd: path.dirname(bare) });
  await inTemporaryDirectory("demo-seed", async (dir) => {
    const tree = path.join(dir, "tree");
    await git(["init", "--quiet", "--initial-branch=main", tree], { cwd: dir });
    for (const release of RELEASES) {
      const content = {
        service: DEMO_SERVICE,
        version: release.version,
        notes: release.notes,
        demo: { healthy: release.healthy },
      };
      writeFileSync(path.join(tree, "release.json"), `${JSON.stringify(content, null, 2)}\n`);
      await git(["add", "release.json"], { cwd: tree });
      await git(
        [
          "commit",
          "--quiet",
          "-m",
          `Release ${release.version}: ${release.notes}`,
          "--trailer",
          `Release-Version: ${release.version}`,
        ],
        { cwd: tree, identity: DEPLOYER },
      );
    }
    await git(["remote", "add", "origin", bare], { cwd: tree });
    await git(["push", "--quiet", "origin", "main"], { cwd: tree });
  });
}

/**
 * A web service whose deploy repository is a real bare git repository under the demo root, with
 * four releases, the newest one bad. Its health URL is served by Keel itself and answers 503
 * while the repository's main deploys the bad release.
 */
export const demoWebPart: DemoPart = {
  name: DEMO_SERVICE,
  async setUp(context: DemoContext) {
    const bare = demoDeployRepository(context.root);
    await buildRepository(bare);
    await saveTarget(
      context.handle.db,
      context.actor,
      {
        kind: "service",
        name: DEMO_SERVICE,
        description:
          "Demo: a web service whose latest release (v1.3.0) is bad. Its health URL is served by Keel for the demo.",
        config: {
          environment: "production",
          deployRepository: bare,
          branch: "main",
          rollback: { strategy: "git" },
          health: {
            url: demoHealthUrl(context.publicUrl),
            consecutiveSuccesses: 3,
            intervalSeconds: 1,
            timeoutSeconds: 60,
          },
          allowedHosts: [new URL(context.publicUrl).hostname],
          allowPrivateNetwork: true,
        },
      },
      "demo",
    );
  },
  async tearDown(context: DemoContext) {
    await removeTarget(context.handle.db, context.actor, "service", DEMO_SERVICE, "demo");
    rmSync(path.join(context.root, "deploy"), { recursive: true, force: true });
  },
};
