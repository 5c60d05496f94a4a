import { createCallerFactory, router } from "../trpc";
import { accountRouter } from "./account";
import { runsRouter } from "./runs";
import { runbooksRouter } from "./runbooks";
import { sessionRouter } from "./session";
import { usersRouter } from "./users";

/** Every domain router, registered by hand. */
export const appRouter = router({
  session: sessionRouter,
  account: accountRouter,
  users: usersRouter,
  runs: runsRouter,
  runbooks: runbooksRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
