/** A prompt as data: its listing (name, arguments) and the messages it expands to. */
export interface PromptArgument {
  name: string;
  description: string;
  required: boolean;
}

export interface PromptMessage {
  role: 'user' | 'assistant';
  content: { type: 'text'; text: string };
}

export interface PromptDef {
  name: string;
  title: string;
  description: string;
  arguments: readonly PromptArgument[];
  /** The messages, from arguments already checked: every required one is present. */
  messages(args: Readonly<Record<string, string | undefined>>): PromptMessage[];
}
