import { useMutation, type UseMutationOptions } from "@tanstack/react-query";
import type { ZodType } from "zod";
import { useFormErrors, type FormErrors } from "./use-form-errors";

/**
 * A form's mutation: `submit(raw)` checks the raw values with the form's schema (refusals appear
 * next to their fields, nothing is sent), then sends what the schema produced. A failed call
 * shows its field errors next to the fields, or its message above the form.
 */
export function useFormMutation<TData, TError, TInput, TContext>(
  options: UseMutationOptions<TData, TError, TInput, TContext>,
  schema: ZodType<TInput>,
): FormErrors & {
  mutation: ReturnType<typeof useMutation<TData, TError, TInput, TContext>>;
  submit: (raw: unknown) => void;
} {
  const errors = useFormErrors();
  const mutation = useMutation({
    ...options,
    onError: (...args) => {
      errors.fail(args[0]);
      return options.onError?.(...args);
    },
  });
  const submit = (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return errors.refuse(parsed.error);
    errors.clear();
    mutation.mutate(parsed.data);
  };
  return { ...errors, mutation, submit };
}
