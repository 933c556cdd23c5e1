/**
 * Questions to the user. As in the Python tool an answer may come from a terminal or
 * a pipe (`yes | anaconda sites add ...`); questions go to stderr.
 * @module
 */
import type { Context } from "../../context.ts";
import { AbortError, UsageError } from "./errors.ts";

export interface ConfirmOptions {
  /** The answer to an empty line; without it an empty line asks again. */
  defaultAnswer?: boolean;
  /**
   * The flag that makes the question unnecessary (e.g. `--yes`). At end of input the
   * prompt then fails with a message naming it; without it, end of input means "no".
   */
  flagHint?: string;
}

/** One entry of a `choose` list. */
export interface Choice<T> {
  value: T;
  label: string;
}

export interface ChooseOptions {
  /** The flag that answers the question instead (`--org <org>`), named when nobody can. */
  flagHint: string;
  /** What a script must do when stdin is not a terminal (default: pass `flagHint`). */
  noTerminal?: string;
}

export class Prompter {
  #context: Pick<Context, "stdin" | "stderr">;

  constructor(context: Pick<Context, "stdin" | "stderr">) {
    this.#context = context;
  }

  /** Asks `question` and returns the answer line, or null at end of input. */
  async ask(question: string): Promise<string | null> {
    this.#context.stderr.write(question);
    const answer = await this.#context.stdin.readLine();
    if (answer === null) this.#context.stderr.write("\n");
    return answer;
  }

  /**
   * Asks for a secret (a password) and returns it, or null at end of input. On a
   * terminal it is not shown while typed; from a pipe it is the next line.
   */
  async password(question: string): Promise<string | null> {
    const { stdin, stderr } = this.#context;
    let answer: string | null = null;
    try {
      answer = await stdin.readSecretLine(() => stderr.write(question));
    } finally {
      // Enter was not echoed: end the question's line.
      if (stdin.isTerminal || answer === null) stderr.write("\n");
    }
    return answer;
  }

  /**
   * Lists `choices` as a numbered menu under `title` and returns the one picked (an empty
   * answer picks the first). Only a terminal is asked: without one, and at end of
   * input, it fails with an error that names `flagHint`.
   */
  async choose<T>(title: string, choices: Choice<T>[], options: ChooseOptions): Promise<T> {
    const { stdin, stderr } = this.#context;
    if (!stdin.isTerminal) {
      throw new UsageError(options.noTerminal ?? `${title} Pass ${options.flagHint}`);
    }
    stderr.write(
      `${title}\n${choices.map((choice, index) => `  ${index + 1}. ${choice.label}\n`).join("")}`,
    );
    for (;;) {
      const answer = await this.ask("Enter a number [1]: ");
      if (answer === null) throw new AbortError(`Nothing chosen: pass ${options.flagHint}`);
      const number = answer.trim() === "" ? 1 : Number(answer.trim());
      const choice = Number.isInteger(number) ? choices[number - 1] : undefined;
      if (choice) return choice.value;
      stderr.write(`Please enter a number from 1 to ${choices.length}\n`);
    }
  }

  /** Asks a yes/no question until it gets `y`, `yes`, `n` or `no` (any case). */
  async confirm(question: string, options: ConfirmOptions = {}): Promise<boolean> {
    const { defaultAnswer, flagHint } = options;
    const choices = defaultAnswer === undefined ? "[y/n]" : `[y/n] (${defaultAnswer ? "y" : "n"})`;
    for (;;) {
      const answer = await this.ask(`${question} ${choices}: `);
      if (answer === null) {
        if (flagHint) {
          throw new AbortError(`No answer on standard input: pass ${flagHint} to go ahead`);
        }
        return false;
      }
      const word = answer.trim().toLowerCase();
      if (word === "" && defaultAnswer !== undefined) return defaultAnswer;
      if (word === "y" || word === "yes") return true;
      if (word === "n" || word === "no") return false;
      this.#context.stderr.write("Please enter y or n\n");
    }
  }
}
