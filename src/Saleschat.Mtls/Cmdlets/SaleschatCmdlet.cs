using System.IO;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Threading.Tasks;
using System.Threading;
using System;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Pipeline;
using Saleschat.Mtls.Sessions;

namespace Saleschat.Mtls.Cmdlets
{
    /// <summary>
    /// What every cmdlet of the module shares: path resolution, turning core exceptions into designed
    /// error records, and tagging the certificates it outputs for their format view.
    /// </summary>
    public abstract class SaleschatCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private bool? _isVerbose;

        /// <summary>The type name our certificate view and type data are keyed to.</summary>
        public const string ClientCertificateTypeName = "Saleschat.Mtls.ClientCertificate";

        /// <summary>Cancelled by Ctrl+C (StopProcessing): cuts a request, or the wait between retries, short.</summary>
        protected CancellationToken StopToken => _stopping.Token;

        /// <summary>The given session, else the module's default one, else a clear error.</summary>
        protected static SaleschatSession ResolveSession(SaleschatSession given)
        {
            SaleschatSession session = given ?? DefaultSession.Current;
            if (session == null)
            {
                throw new SaleschatException(ErrorIds.NoSaleschatSession, ErrorKind.InvalidOperation,
                    "There is no Saleschat session. Run New-SaleschatSession first, or pass -Session.", null);
            }

            return session;
        }

        /// <summary>Runs async core work; its log lines become verbose output as they happen.</summary>
        protected T RunAsync<T>(Func<Action<string>, CancellationToken, Task<T>> work) => RunAsync(work, null);

        /// <param name="tick">When given, called on the pipeline thread while the work runs, for Write-Progress.</param>
        protected T RunAsync<T>(Func<Action<string>, CancellationToken, Task<T>> work, Action tick)
        {
            try
            {
                if (tick != null)
                {
                    var ticking = new AsyncPump();
                    return ticking.Run(token => work(IsVerbose ? ticking.Log : (Action<string>)null, token), WriteVerbose, StopToken, tick);
                }

                if (!IsVerbose)
                {
                    // Nobody reads the log: no pump, no log lines built, one wait. In a foreach of small calls
                    // this is most of the module's own cost per call (tests/Saleschat.Mtls.Benchmarks).
                    return work(null, StopToken).GetAwaiter().GetResult();
                }

                var pump = new AsyncPump();
                return pump.Run(token => work(pump.Log, token), WriteVerbose, StopToken);
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>Whether verbose output is wanted: -Verbose on this call, else $VerbosePreference.</summary>
        protected bool IsVerbose => _isVerbose ?? (bool)(_isVerbose = WantsVerbose());

        private bool WantsVerbose()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out object bound))
            {
                return bound is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(bound);
            }

            object preference = GetVariableValue("VerbosePreference");
            return preference != null
                && LanguagePrimitives.TryConvertTo(preference, out ActionPreference action)
                && action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore;
        }

        /// <summary>A provider path (relative, ~, PSDrive) as a full file-system path; the file need not exist.</summary>
        protected string ResolvePath(string path)
        {
            if (path == null)
            {
                return null;
            }

            Files.FilePaths.ThrowIfInvalid(path);
            string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            Files.FilePaths.ThrowIfNotFileSystem(path, provider?.Name);
            return resolved;
        }

        /// <summary>
        /// A written file as the FileSystem provider returns it (as Get-Item would): a bare FileInfo lacks the
        /// provider's properties, so its default view shows empty Mode, User and Size columns in pwsh 7.
        /// </summary>
        protected void WriteFileItem(string path)
        {
            foreach (PSObject item in SessionState.InvokeProvider.Item.Get(new[] { path }, true, true))
            {
                WriteObject(item);
            }
        }

        protected void WriteCertificate(X509Certificate2 certificate)
        {
            PSObject wrapped = PSObject.AsPSObject(certificate);
            if (!wrapped.TypeNames.Contains(ClientCertificateTypeName))
            {
                wrapped.TypeNames.Insert(0, ClientCertificateTypeName);
            }

            WriteObject(wrapped);
        }

        /// <summary>
        /// A certificate and key from files. A pair left mismatched by an interrupted rotation says so,
        /// and how to finish it, instead of only "the key does not belong to the certificate".
        /// </summary>
        protected static X509Certificate2 LoadFromFiles(string certificatePath, string keyPath, System.Security.SecureString password, string chainPath = null)
        {
            try
            {
                return Certificates.ClientCertificateReader.FromFiles(certificatePath, keyPath, password, VouchForKey(keyPath), chainPath);
            }
            catch (SaleschatException ex) when (ex.ErrorId == ErrorIds.CertificateKeyMismatch && keyPath != null
                && File.Exists(new Rotation.RotationPaths(certificatePath, keyPath).JournalPath))
            {
                throw new SaleschatException(ErrorIds.CertificateKeyMismatch, ex.Kind,
                    ex.Message + " " + Messages.RotationInterrupted(certificatePath, keyPath),
                    ex.Target, ex);
            }
        }

        /// <summary>What is wrong with the CA certificates read with <paramref name="certificate"/> (expired, not a CA…), as warnings.</summary>
        protected void WarnAboutChain(X509Certificate2 certificate)
        {
            foreach (string problem in Certificates.ChainInspector.Problems(certificate, Certificates.ClientChains.Of(certificate), DateTime.UtcNow))
            {
                WriteWarning(problem);
            }
        }

        /// <summary>The check a -KeyPath file must pass before it is read: the user's alone (Keys.KeyFileTrust).</summary>
        protected static Action<string, Files.FileFacts> VouchForKey(string keyPath) => Keys.KeyFileTrust.For(keyPath);

        /// <summary>
        /// A -KeyPem value as text for <paramref name="use"/> only: a SecureString (preferred: it is not shown by
        /// Trace-Command or kept as a string by the caller) is opened for the duration of the call; a plain string,
        /// still accepted for scripts that already hold one, is used as given.
        /// </summary>
        protected static T WithKeyPem<T>(object keyPem, Func<string, T> use)
        {
            object value = keyPem is PSObject wrapped ? wrapped.BaseObject : keyPem;
            switch (value)
            {
                case null:
                    return use(null);
                case string text:
                    return use(text);
                case System.Security.SecureString secret:
                    return Secrets.SecretText.Use(secret, chars => use(new string(chars)));
                default:
                    throw new SaleschatException(ErrorIds.InvalidKeyPem, ErrorKind.InvalidArgument,
                        $"-KeyPem takes the key's PEM text as a SecureString (or a string), not a {value.GetType().Name}.", "KeyPem");
            }
        }

        /// <summary>Runs one unit of work; a failure ends the whole command.</summary>
        protected void RunTerminating(Action work)
        {
            ErrorRecord error = Run(work);
            if (error != null)
            {
                ThrowTerminatingError(error);
            }
        }

        /// <summary>Runs the work for one pipeline item; a failure is written and the pipeline goes on.</summary>
        protected void RunForItem(Action work)
        {
            ErrorRecord error = Run(work);
            if (error != null)
            {
                WriteError(error);
            }
        }

        protected ErrorRecord ToErrorRecord(SaleschatException ex)
        {
            if (!Enum.TryParse(ex.Kind.ToString(), out ErrorCategory category))
            {
                category = ErrorCategory.NotSpecified;
            }

            return new ErrorRecord(ex, ex.ErrorId, category, ex.Target);
        }

        private ErrorRecord Run(Action work)
        {
            try
            {
                work();
                return null;
            }
            catch (SaleschatException ex)
            {
                return ToErrorRecord(ex);
            }
            catch (Exception ex) when (IsPlatformFailure(ex))
            {
                // Exceptions from .NET never reach the user raw: wrap them with a stable id. Their messages
                // come from the platform; a URI in them loses its user information (a proxy password), as everywhere.
                return ToErrorRecord(new SaleschatException(ErrorIds.PlatformOperationFailed, ErrorKind.NotSpecified, Secrets.PlatformMessage.Of(ex), null, Secrets.PlatformMessage.Scrubbed(ex)));
            }
        }

        private static bool IsPlatformFailure(Exception ex) =>
            ex is CryptographicException || ex is IOException || ex is UnauthorizedAccessException
            || ex is PlatformNotSupportedException || ex is System.ComponentModel.Win32Exception;
    }
}
