using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Saleschat.Mtls.Tests.Infrastructure;

/// <summary>127.0.0.1 ports for servers the tests start themselves.</summary>
public static class Loopback
{
    /// <summary>A port that was free a moment ago (the OS picks it; a caller that loses a race retries).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls until something accepts connections on the port, or the time is up.</summary>
    public static bool WaitUntilListening(int port, TimeSpan timeout, Func<bool>? giveUp = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (giveUp?.Invoke() == true) return false;
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        return false;
    }
}
