"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { QueryList } from "@/app/_components/query-list";
import { RoleBadge } from "@/app/_components/role-badge";
import { formatDateTime } from "@/lib/format/time";
import { isRole, ROLES } from "@/lib/roles";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { CreateUserForm } from "./create-user-form";
import { OneTimePasswordNotice } from "./one-time-password-notice";

type Notice = { email: string; password: string; reason: string };
type Pending = { kind: "disable" | "reset" | "reauth"; userId: string; email: string };

const CONFIRM_TEXT: Record<Pending["kind"], { question: (email: string) => string; button: string }> = {
  disable: { question: (email) => `Disable ${email}? Their sessions end now.`, button: "Disable" },
  reset: { question: (email) => `Reset the password of ${email}?`, button: "Reset" },
  reauth: {
    question: (email) => `Ask ${email} for their password before their next high-risk step, on every session?`,
    button: "Ask",
  },
};

export function UsersAdmin({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [confirming, setConfirming] = useState<Pending | null>(null);
  const [reauthNotice, setReauthNotice] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });

  const changeRole = useMutation(trpc.users.changeRole.mutationOptions({ onSettled: refresh }));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions({ onSettled: refresh }));
  const resetPassword = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSettled: refresh,
      onSuccess: (result, variables) => {
        const email = users.data?.find((u) => u.id === variables.userId)?.email ?? "the user";
        setNotice({ email, password: result.oneTimePassword, reason: "Password reset; their sessions were ended." });
      },
    }),
  );
  const requireReauth = useMutation(
    trpc.users.requireReauthentication.mutationOptions({
      onSuccess: (result, variables) => {
        const email = users.data?.find((u) => u.id === variables.userId)?.email ?? "the user";
        setReauthNotice(
          `${email} will be asked for their password before their next high-risk step (${result.sessions} open ${result.sessions === 1 ? "session" : "sessions"}).`,
        );
      },
    }),
  );
  const actionError = [changeRole.error, setDisabled.error, resetPassword.error, requireReauth.error].find(Boolean);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p>Who can use Keel, and what each person may do.</p>
        </div>
        {!creating ? (
          <button className="button" type="button" onClick={() => setCreating(true)}>
            Add user
          </button>
        ) : null}
      </div>
      <div className="stack">
        {notice ? <OneTimePasswordNotice {...notice} onDismiss={() => setNotice(null)} /> : null}
        {reauthNotice ? (
          <p className="alert ok" role="status">
            {reauthNotice}
          </p>
        ) : null}
        {creating ? (
          <CreateUserForm
            onCancel={() => setCreating(false)}
            onCreated={(email, password) => {
              setCreating(false);
              setNotice({ email, password, reason: "User added." });
              void refresh();
            }}
          />
        ) : null}
        <FormError error={actionError ? readClientError(actionError) : null} />
        <section className="card">
          <QueryList query={users} items={(data) => data} empty="No users yet.">
            {(items) => (
              <div className="table-wrap">
                <table className="table" aria-label="Users">
                  <thead>
                    <tr>
                      <th>User</th>
                      <th>Role</th>
                      <th>Status</th>
                      <th>Last sign-in</th>
                      <th>Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((user) => {
                      const self = user.id === currentUserId;
                      const isConfirming = confirming?.userId === user.id ? confirming : null;
                      return (
                        <tr key={user.id} data-testid={`user-row-${user.email}`}>
                          <td data-label="User">
                            <div>{user.name}</div>
                            <div className="muted small">{user.email}</div>
                          </td>
                          <td data-label="Role">
                            {self ? (
                              <RoleBadge role={user.role} />
                            ) : (
                              <select
                                className="inline-select"
                                aria-label={`Role of ${user.email}`}
                                value={user.role}
                                disabled={changeRole.isPending}
                                onChange={(event) => {
                                  if (isRole(event.target.value))
                                    changeRole.mutate({ userId: user.id, role: event.target.value });
                                }}
                              >
                                {ROLES.map((role) => (
                                  <option key={role} value={role}>
                                    {role}
                                  </option>
                                ))}
                              </select>
                            )}
                          </td>
                          <td data-label="Status">
                            {user.disabledAt ? (
                              <span className="badge danger">Disabled</span>
                            ) : (
                              <span className="badge ok">Active</span>
                            )}{" "}
                            {user.mustChangePassword && !user.disabledAt ? (
                              <span className="badge warn">Must set password</span>
                            ) : null}
                          </td>
                          <td data-label="Last sign-in">
                            {user.lastSignInAt ? formatDateTime(user.lastSignInAt) : "Never"}
                          </td>
                          <td data-label="Actions">
                            {self ? (
                              <span className="muted small">You</span>
                            ) : isConfirming ? (
                              <div className="row">
                                <span className="small">{CONFIRM_TEXT[isConfirming.kind].question(user.email)}</span>
                                <button
                                  className="button danger small"
                                  type="button"
                                  onClick={() => {
                                    setConfirming(null);
                                    if (isConfirming.kind === "disable")
                                      setDisabled.mutate({ userId: user.id, disabled: true });
                                    else if (isConfirming.kind === "reset") resetPassword.mutate({ userId: user.id });
                                    else requireReauth.mutate({ userId: user.id });
                                  }}
                                >
                                  {CONFIRM_TEXT[isConfirming.kind].button}
                                </button>
                                <button
                                  className="button secondary small"
                                  type="button"
                                  onClick={() => setConfirming(null)}
                                >
                                  Cancel
                                </button>
                              </div>
                            ) : (
                              <div className="row">
                                {user.disabledAt ? (
                                  <button
                                    className="button secondary small"
                                    type="button"
                                    onClick={() => setDisabled.mutate({ userId: user.id, disabled: false })}
                                  >
                                    Enable
                                  </button>
                                ) : (
                                  <>
                                    <button
                                      className="button secondary small"
                                      type="button"
                                      onClick={() =>
                                        setConfirming({ kind: "reset", userId: user.id, email: user.email })
                                      }
                                    >
                                      Reset password
                                    </button>
                                    <button
                                      className="button secondary small"
                                      type="button"
                                      onClick={() =>
                                        setConfirming({ kind: "reauth", userId: user.id, email: user.email })
                                      }
                                    >
                                      Ask for password
                                    </button>
                                    <button
                                      className="button secondary small"
                                      type="button"
                                      onClick={() =>
                                        setConfirming({ kind: "disable", userId: user.id, email: user.email })
                                      }
                                    >
                                      Disable
                                    </button>
                                  </>
                                )}
                              </div>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </QueryList>
        </section>
      </div>
    </>
  );
}
