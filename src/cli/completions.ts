/**
 * `anaconda completions bash|zsh|fish`: prints a completion script. Each script asks
 * `anaconda __complete <words...>` for the candidates, so it completes subcommands,
 * options and the configured site names of `--at` with the tree of this very binary.
 * @module
 */
import { argument, leaf } from "./framework/args.ts";
import { UsageError } from "./framework/errors.ts";

const SCRIPTS: Record<string, string> = {
  bash: `# anaconda completion for bash: eval "$(anaconda completions bash)"
_anaconda_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(anaconda __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _anaconda_complete anaconda
`,
  zsh: `#compdef anaconda
# anaconda completion for zsh: eval "$(anaconda completions zsh)"
_anaconda() {
  local -a candidates
  candidates=("\${(@f)$(anaconda __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -- \${candidates:#}
}
# compdef comes with zsh's completion system: start it when the shell has not (zsh -f).
if (( ! $+functions[compdef] )); then
  autoload -Uz compinit && compinit
fi
compdef _anaconda anaconda
`,
  fish: `# anaconda completion for fish: anaconda completions fish | source
complete -c anaconda -f -a '(anaconda __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
};

export const command = leaf({
  name: "completions",
  description: "Print a shell completion script for bash, zsh or fish",
  args: { shell: argument("<shell>", "bash, zsh or fish", { choices: Object.keys(SCRIPTS) }) },
  examples: [
    'eval "$(anaconda completions bash)"   # in ~/.bashrc',
    'eval "$(anaconda completions zsh)"    # in ~/.zshrc',
    "anaconda completions fish > ~/.config/fish/completions/anaconda.fish",
  ],
  run: ({ shell }, app) => {
    const script = SCRIPTS[shell];
    if (script === undefined) {
      throw new UsageError(`Unknown shell ${JSON.stringify(shell)}: use bash, zsh or fish`);
    }
    app.context.stdout.write(script);
    return Promise.resolve();
  },
});
