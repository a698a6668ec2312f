namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>An ask got no reply in time. A <see cref="TimeoutException"/>, so generic timeout handling catches it too.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the error with a message naming the target, the request and the timeout.</summary>
    public AskTimeoutException(string message)
        : base(message)
    {
    }
}
