namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// One mailbox slot. A struct so a Tell allocates nothing beyond the channel's own storage.
/// <see cref="Control"/> is null for user messages (the hot path); otherwise it is a
/// <see cref="WakeSignal"/> or a timer entry, and <see cref="Message"/> is unused or the timer's message.
/// </summary>
internal readonly struct Envelope<TMessage>(TMessage message, object? control)
{
    /// <summary>The user message (or the timer's message when <see cref="Control"/> is a timer entry).</summary>
    public readonly TMessage Message = message;

    /// <summary>Null for a plain user message; a kernel marker otherwise.</summary>
    public readonly object? Control = control;
}

/// <summary>Marker written to the mailbox so an idle loop wakes and drains its system-message queue.</summary>
internal sealed class WakeSignal
{
    /// <summary>The only instance; carries no data.</summary>
    public static readonly WakeSignal Instance = new();

    private WakeSignal()
    {
    }
}
