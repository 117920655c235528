using System;
using System.IO;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>
    /// Lets a certificate parameter take a file path (PEM or DER, relative to $PWD, PowerShell drives and ~
    /// included) as well as a certificate. Without it PowerShell converts a string through the
    /// X509Certificate2(string) constructor, which resolves a relative path against the process's directory,
    /// not $PWD (PowerShell's location is not the process's current directory, which .NET file APIs use).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class CertificateFromPathAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            string path = value is FileSystemInfo file ? file.FullName : value as string;
            if (path == null)
            {
                return inputData; // a certificate (or anything else) binds as before
            }

            string full = engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            if (!File.Exists(full))
            {
                throw new ArgumentTransformationMetadataException(
                    $"The certificate file '{full}' does not exist. Give the path of a PEM or DER certificate file, or a certificate object.");
            }

            try
            {
                byte[] content = File.ReadAllBytes(full);
                byte[] der = Certificates.CertificatePem.FirstCertificateDer(System.Text.Encoding.UTF8.GetString(content));
                return new X509Certificate2(der ?? content);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new ArgumentTransformationMetadataException(
                    $"'{full}' is not a certificate file (PEM or DER): {Secrets.PlatformMessage.Of(ex)}", ex);
            }
        }
    }
}
