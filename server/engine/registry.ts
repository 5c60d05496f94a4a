import type { AnyAction, AnyCheck } from "./actions/types";

/** The actions and checks runbooks may name. Built-ins register at start; tests add their own. */
export class StepRegistry {
  private readonly actions = new Map<string, AnyAction>();
  private readonly checks = new Map<string, AnyCheck>();

  registerAction(action: AnyAction): this {
    if (this.actions.has(action.name)) throw new Error(`action ${action.name} is registered twice`);
    this.actions.set(action.name, action);
    return this;
  }

  registerCheck(check: AnyCheck): this {
    if (this.checks.has(check.name)) throw new Error(`check ${check.name} is registered twice`);
    this.checks.set(check.name, check);
    return this;
  }

  action(name: string): AnyAction | undefined {
    return this.actions.get(name);
  }

  check(name: string): AnyCheck | undefined {
    return this.checks.get(name);
  }

  actionNames(): string[] {
    return [...this.actions.keys()].sort();
  }

  checkNames(): string[] {
    return [...this.checks.keys()].sort();
  }
}
