namespace NerfEngine.Control.Ingress.Grpc;

/// <summary>
/// The canonical gRPC status codes (grpc/grpc doc/statuscodes.md), carried in the <c>grpc-status</c> trailer as a
/// decimal number.
/// </summary>
public enum GrpcStatusCode
{
    Ok = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

/// <summary>A call's final status: code and a human-readable message (sent percent-encoded as <c>grpc-message</c>).</summary>
public readonly record struct GrpcStatus(GrpcStatusCode Code, string Message)
{
    public static GrpcStatus Ok(string message = "") => new(GrpcStatusCode.Ok, message);

    /// <summary>The code's canonical upper-case name (<c>UNAUTHENTICATED</c>), as gRPC libraries print it.</summary>
    public static string NameOf(GrpcStatusCode code) => code switch
    {
        GrpcStatusCode.Ok => "OK",
        GrpcStatusCode.Cancelled => "CANCELLED",
        GrpcStatusCode.Unknown => "UNKNOWN",
        GrpcStatusCode.InvalidArgument => "INVALID_ARGUMENT",
        GrpcStatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        GrpcStatusCode.NotFound => "NOT_FOUND",
        GrpcStatusCode.AlreadyExists => "ALREADY_EXISTS",
        GrpcStatusCode.PermissionDenied => "PERMISSION_DENIED",
        GrpcStatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        GrpcStatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        GrpcStatusCode.Aborted => "ABORTED",
        GrpcStatusCode.OutOfRange => "OUT_OF_RANGE",
        GrpcStatusCode.Unimplemented => "UNIMPLEMENTED",
        GrpcStatusCode.Internal => "INTERNAL",
        GrpcStatusCode.Unavailable => "UNAVAILABLE",
        GrpcStatusCode.DataLoss => "DATA_LOSS",
        GrpcStatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not a gRPC status code"),
    };

    public override string ToString() => Message.Length == 0 ? NameOf(Code) : $"{NameOf(Code)}: {Message}";
}
