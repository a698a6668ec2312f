namespace NerfEngine.Control.Copilot.Ollama;

/// <summary>
/// The language model could not answer: daemon unreachable, model not pulled (404), timeout, or
/// an unusable reply. The message always starts "model unavailable: " so tools can pass it on as is.
/// </summary>
public sealed class ModelUnavailableException(string reason, Exception? inner = null)
    : Exception("model unavailable: " + reason, inner)
{
    /// <summary>The reason without the prefix.</summary>
    public string Reason { get; } = reason;
}
