/**
 * Shown when there is no session and no Entra ID sign-in configured: the API's issuer is not Entra ID, as on the
 * local cloud, whose host serves a local sign-in page beside the API (never part of the deployed package).
 */
export function SignInView() {
  return (
    <>
      <h1>Sign in</h1>
      <section class="card" aria-labelledby="sign-in-heading">
        <h2 id="sign-in-heading">No browser sign-in is configured</h2>
        <p>
          This API does not accept Entra ID tokens, so the console cannot sign you in with Microsoft. On a local cloud (<code>npm start</code>), use its local
          sign-in page:
        </p>
        <p>
          <a class="button" href="../local/sign-in">
            Local sign-in
          </a>
        </p>
      </section>
    </>
  );
}
