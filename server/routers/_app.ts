import { createCallerFactory, router } from "../trpc";
import { accountRouter } from "./account";
import { sessionRouter } from "./session";
import { usersRouter } from "./users";

/** Every domain router, registered by hand. */
export const appRouter = router({
  session: sessionRouter,
  account: accountRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
