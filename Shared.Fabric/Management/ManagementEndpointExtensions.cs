using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Shared.Fabric.Hosting;

namespace NerfEngine.Shared.Fabric.Management;

/// <summary>Binds Kestrel to the configured management address.</summary>
public static class ManagementEndpointExtensions
{
    public static IWebHostBuilder UseManagementEndpoint(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        var options = new ManagementOptions();
        configuration.GetSection(ManagementOptions.Section).Bind(options);
        return webHost.ConfigureKestrel(kestrel =>
        {
            if (!options.Enabled) return;
            if (options.Port is < 0 or > 65535)
                throw new InvalidOperationException($"Management:Port must be 0..65535, got {options.Port}.");
            var address = options.Hostname is "*" or "0.0.0.0" ? IPAddress.Any
                : IPAddress.TryParse(options.Hostname, out var ip) ? ip
                : throw new InvalidOperationException(
                    $"Management:Hostname must be an IP address (or 0.0.0.0 / *), got '{options.Hostname}'.");
            kestrel.ApplicationServices?.GetService<ListenerSettings>()?.Add(address, options.Port, "management HTTP", $"{ManagementOptions.Section}:Port");
            kestrel.Listen(address, options.Port);
        });
    }
}
