namespace NerfEngine.Control.Copilot.Ollama;

/// <summary>One chat message ("system", "user" or "assistant").</summary>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>A system message.</summary>
    public static ChatMessage System(string content) => new("system", content);

    /// <summary>A user message.</summary>
    public static ChatMessage User(string content) => new("user", content);
}

/// <summary>A chat model that answers in JSON; the agent loop's only view of the model.</summary>
public interface IChatModel
{
    /// <summary>Model name, for reports.</summary>
    string Model { get; }

    /// <summary>The assistant's reply (a JSON document as text).</summary>
    /// <exception cref="ModelUnavailableException">The model could not answer.</exception>
    Task<string> ChatJsonAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken = default);
}
