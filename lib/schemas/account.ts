import { z } from "zod";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export const newPasswordField = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters`);

export const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Use at most 254 characters")
  .pipe(z.email("Enter a valid email address"));

export const signInInput = z.object({
  email: emailField,
  password: z.string().min(1, "Enter your password").max(PASSWORD_MAX_LENGTH),
});

export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(PASSWORD_MAX_LENGTH),
    newPassword: newPasswordField,
    confirmPassword: z.string().max(PASSWORD_MAX_LENGTH),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the current one",
  });

export const revokeSessionInput = z.object({ sessionId: z.uuid("Unknown session") });

export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/** Proving the password again before a high-risk step (server/auth/reauth.ts). */
export const reauthenticateInput = z.strictObject({
  password: z
    .string({ message: "Enter your password" })
    .min(1, "Enter your password")
    .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters`),
});

export type ReauthenticateInput = z.infer<typeof reauthenticateInput>;

/** The details of a refusal that asks for the password again (code FORBIDDEN, details.reason). */
export const REAUTH_REQUIRED = "REAUTH_REQUIRED";
export type ReauthRequiredDetails = {
  reason: typeof REAUTH_REQUIRED;
  method: "password" | "oidc";
  authenticatedAt: string;
  windowMinutes: number;
};
