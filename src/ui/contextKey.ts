import * as vscode from 'vscode';

/** A context key that is only written when its value changes. */
export class ContextKey<T> {
  private value: T | undefined;
  constructor(private readonly name: string) {}

  set(value: T): void {
    if (this.value === value) return;
    this.value = value;
    void vscode.commands.executeCommand('setContext', this.name, value);
  }
}
