namespace NerfEngine.Sensor.Capture.Native;

/// <summary>The errno values capture code reacts to (asm-generic/errno-base.h, asm-generic/errno.h).</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int ENXIO = 6;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOPROTOOPT = 92;
    public const int EAFNOSUPPORT = 97;
    public const int ENETDOWN = 100;

    /// <summary>The symbolic name (e.g. "ENOMEM") for messages; "errno N" for others.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        EINTR => "EINTR",
        ENXIO => "ENXIO",
        EBADF => "EBADF",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        ENODEV => "ENODEV",
        EINVAL => "EINVAL",
        ENOPROTOOPT => "ENOPROTOOPT",
        EAFNOSUPPORT => "EAFNOSUPPORT",
        ENETDOWN => "ENETDOWN",
        _ => $"errno {errno}",
    };
}
