import { inputClass, labelClass } from "@/components/ui/button";

/** One labelled select of a filter form; `all` is the empty option's text (none: no empty option). */
export function FilterSelect({ name, label, value, all, options }: { name: string; label: string; value: string | undefined; all?: string; options: [string, string][] }) {
  return (
    <label className="min-w-36">
      <span className={labelClass}>{label}</span>
      <select name={name} defaultValue={value ?? ""} className={inputClass}>
        {all !== undefined ? <option value="">{all}</option> : null}
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
