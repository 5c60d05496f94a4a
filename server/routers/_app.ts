import "server-only";
import { createCallerFactory, router } from "../trpc";
import { accountRouter } from "./account";
import { apiTokensRouter } from "./api-tokens";
import { checklistsRouter } from "./checklists";
import { demoRouter } from "./demo";
import { incidentsRouter } from "./incidents";
import { instancesRouter } from "./instances";
import { historyRouter } from "./history";
import { homeRouter } from "./home";
import { runsRouter } from "./runs";
import { runbooksRouter } from "./runbooks";
import { secretsRouter } from "./secrets";
import { servicesRouter } from "./services";
import { sessionRouter } from "./session";
import { targetsRouter } from "./targets";
import { telemetryRouter } from "./telemetry";
import { usersRouter } from "./users";

/** Every domain router, registered by hand. */
export const appRouter = router({
  session: sessionRouter,
  account: accountRouter,
  users: usersRouter,
  runs: runsRouter,
  runbooks: runbooksRouter,
  apiTokens: apiTokensRouter,
  services: servicesRouter,
  targets: targetsRouter,
  secrets: secretsRouter,
  demo: demoRouter,
  incidents: incidentsRouter,
  checklists: checklistsRouter,
  history: historyRouter,
  telemetry: telemetryRouter,
  home: homeRouter,
  instances: instancesRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
