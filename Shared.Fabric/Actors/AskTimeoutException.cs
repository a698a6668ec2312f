namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// An ask got no reply in time, or (as Akka's "recipient had already been terminated") its recipient stopped, so none
/// will come. A <see cref="TimeoutException"/>, so generic timeout handling catches it too.
/// </summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the error with a message naming the target, the request and the timeout.</summary>
    public AskTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error; <paramref name="recipientStopped"/> says the ask failed fast because the recipient stopped.</summary>
    public AskTimeoutException(string message, bool recipientStopped)
        : base(message)
    {
        RecipientStopped = recipientStopped;
    }

    /// <summary>True when the ask failed at once because the recipient had stopped, not because time ran out.</summary>
    public bool RecipientStopped { get; }
}
