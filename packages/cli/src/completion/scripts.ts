/**
 * The completion scripts `zen completion <shell>` prints. Each hands the words up to the cursor to
 * `zen __complete` and offers what it prints (engine.ts); `:files` means "complete a path".
 */
import type { SHELLS } from "./engine.ts";

export type Shell = (typeof SHELLS)[number];

/** How to install each script: printed on stderr by `zen completion`, and atop the script. */
export const INSTALL: Record<Shell, string> = {
  bash: "zen completion bash > ~/.local/share/bash-completion/completions/zen (or add `source <(zen completion bash)` to ~/.bashrc)",
  zsh: 'zen completion zsh > "${fpath[1]}/_zen" and start a new shell (or add `source <(zen completion zsh)` to ~/.zshrc after compinit)',
  fish: "zen completion fish > ~/.config/fish/completions/zen.fish",
};

const BASH = `# zen completion for bash. Install: ${INSTALL.bash}
_zen_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out
  local IFS=$'\\n'
  out=$(zen __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  if [[ "$out" == ":files" ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($out)
  fi
}
complete -o filenames -F _zen_completion zen
`;

const ZSH = `#compdef zen
# zen completion for zsh. Install: ${INSTALL.zsh}
_zen() {
  local out
  out=$(zen __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  if [[ "$out" == ":files" ]]; then
    _files
  else
    local -a candidates
    candidates=("\${(@f)out}")
    compadd -- "\${candidates[@]}"
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _zen "$@"
else
  compdef _zen zen
fi
`;

const FISH = `# zen completion for fish. Install: ${INSTALL.fish}
function __zen_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l out (zen __complete $words[2..-1] 2>/dev/null)
    if test "$out" = ":files"
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $out
    end
end
complete -c zen -f -a '(__zen_complete)'
`;

export const SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH };
