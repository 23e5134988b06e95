import { useEffect, useState } from 'preact/hooks';
import { fromDisplay, toDisplay } from './format';

/**
 * A date (or date and time) typed as the console shows it, dd/MM/yyyy [HH:mm], whatever the
 * browser's language (a native date input follows the browser's locale, not Vietnamese).
 */
export function DateInput(props: { id: string; value: string; onChange: (v: string) => void; withTime?: boolean; required?: boolean }) {
  const [text, setText] = useState(toDisplay(props.value));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    if (fromDisplay(text, !!props.withTime) !== props.value) setText(toDisplay(props.value));
  }, [props.value]);
  return (
    <input
      id={props.id}
      class={bad ? 'invalid' : ''}
      inputMode="numeric"
      placeholder={props.withTime ? 'dd/mm/yyyy hh:mm' : 'dd/mm/yyyy'}
      value={text}
      required={props.required}
      aria-invalid={bad}
      onInput={(e) => {
        const t = (e.target as HTMLInputElement).value;
        setText(t);
        const v = fromDisplay(t, !!props.withTime);
        setBad(t.trim() !== '' && v === undefined);
        if (v !== undefined || t.trim() === '') props.onChange(v ?? '');
      }}
    />
  );
}
