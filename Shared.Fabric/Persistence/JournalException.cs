namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>Base of every error raised at the persistence boundary, so callers can catch one type.</summary>
public class JournalException : Exception
{
    /// <summary>Creates the error.</summary>
    public JournalException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
