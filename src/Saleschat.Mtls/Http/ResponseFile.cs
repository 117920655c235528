using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Saleschat.Mtls.Http
{
    /// <summary>
    /// Streams a response body to disk in fixed-size chunks, so a large export never sits in memory. The
    /// body goes to a temporary file beside the target, renamed into place only when complete: a dropped
    /// connection leaves no half-written file.
    /// </summary>
    public static class ResponseFile
    {
        private const int BufferSize = 81920;

        public static async Task WriteAsync(HttpContent content, string path, CancellationToken token)
        {
            string directory = Path.GetDirectoryName(path);
            string temporary = Path.Combine(directory ?? ".", "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".part");
            try
            {
                using (Stream body = await content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
                {
                    await body.CopyToAsync(file, BufferSize, token).ConfigureAwait(false);
                }

                if (File.Exists(path))
                {
                    File.Replace(temporary, path, null);
                }
                else
                {
                    File.Move(temporary, path);
                }
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }
    }
}
