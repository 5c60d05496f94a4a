import { z } from "zod";
import { ROLES } from "../roles";
import { emailField } from "./account";

const userId = z.uuid("Unknown user");
const role = z.enum(ROLES, { message: `Choose one of: ${ROLES.join(", ")}` });

export const createUserInput = z.object({
  email: emailField,
  name: z.string().trim().min(1, "Enter a name").max(120, "Use at most 120 characters"),
  role,
});

export const changeUserRoleInput = z.object({ userId, role });

export const setUserDisabledInput = z.object({ userId, disabled: z.boolean() });

export const resetUserPasswordInput = z.object({ userId });

export const requireReauthenticationInput = z.object({ userId });

export type CreateUserInput = z.infer<typeof createUserInput>;
