/** The chat's start screen: the app's greeting and the suggestions it offers to send (GET
 * /api/v1/app: the app's own, or the task suggestions whose tools it is granted). */
export function ChatStart({ greeting, suggestions, onSuggestion }: { greeting: string | null; suggestions: string[]; onSuggestion(text: string): void }) {
  return (
    <div className="chat-empty">
      <p className="chat-empty-title">{greeting ?? "How can I help with your tasks?"}</p>
      {suggestions.length > 0 && (
        <div className="suggestions">
          {suggestions.map((text) => (
            <button key={text} type="button" className="chip" onClick={() => onSuggestion(text)}>
              {text}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
