using System;
using System.Reflection;
using System.Linq.Expressions;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// A delegate for .NET 5+'s <c>X509Certificate2.CreateFromPem(ReadOnlySpan&lt;char&gt; certPem, ReadOnlySpan&lt;char&gt; keyPem)</c>,
    /// which netstandard2.0 code cannot name: it takes spans (so reflection cannot invoke it: a span cannot be boxed), and
    /// referencing System.Memory for the span type would bring its binding conflicts into Windows PowerShell 5.1.
    /// A compiled expression passes the strings through string's implicit conversion to ReadOnlySpan&lt;char&gt;.
    /// </summary>
    internal static class PlatformPemReader
    {
        /// <returns>The delegate, or null where the platform has no such method (.NET Framework, .NET Core before 5).</returns>
        public static Func<string, string, X509Certificate2> Create()
        {
            try
            {
                return Build();
            }
            catch (Exception)
            {
                // Any failure to find or compile the shortcut (an ambiguous overload in a later .NET, no dynamic code) only
                // means the portable reader serves: it must never fail a session, and Lazy would cache the exception.
                return null;
            }
        }

        private static Func<string, string, X509Certificate2> Build()
        {
            MethodInfo toSpan = typeof(string).GetMethod("op_Implicit", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string) }, null);
            if (toSpan == null)
            {
                return null;
            }

            MethodInfo createFromPem = typeof(X509Certificate2).GetMethod(
                "CreateFromPem", BindingFlags.Public | BindingFlags.Static, null, new[] { toSpan.ReturnType, toSpan.ReturnType }, null);
            if (createFromPem == null || createFromPem.ReturnType != typeof(X509Certificate2))
            {
                return null;
            }

            ParameterExpression certificatePem = Expression.Parameter(typeof(string), "certPem");
            ParameterExpression keyPem = Expression.Parameter(typeof(string), "keyPem");
            MethodCallExpression call = Expression.Call(createFromPem, Expression.Call(toSpan, certificatePem), Expression.Call(toSpan, keyPem));
            return Expression.Lambda<Func<string, string, X509Certificate2>>(call, certificatePem, keyPem).Compile();
        }
    }
}
