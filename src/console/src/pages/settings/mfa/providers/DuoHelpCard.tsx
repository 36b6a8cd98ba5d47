import { Card } from '../../../../components/Card.tsx';

/** Where the values come from: the Duo side of the seed ("Create an Application in Duo Security"). */
export function DuoHelpCard() {
  return (
    <Card title="Where to find these values" id="duo-help">
      <ol className="help-steps">
        <li>
          Log in to the <strong>Duo Admin Panel</strong> and select <strong>Applications</strong>.
        </li>
        <li>
          Click <strong>Protect an Application</strong>, search for <strong>Web SDK</strong> and click{' '}
          <strong>Protect</strong>.
        </li>
        <li>
          Copy the <strong>Client ID</strong>, the <strong>Client Secret</strong> and the <strong>API hostname</strong>{' '}
          (the API hostname goes into <strong>Endpoint</strong>).
        </li>
      </ol>
      <p className="help-note">
        <strong>Use the Duo Admin API</strong> (optional): in the Duo Admin Panel,{' '}
        <strong>Protect an Application</strong> › <strong>Admin API</strong>, grant only{' '}
        <strong>Grant read resource</strong> and <strong>Grant read log</strong> (add{' '}
        <strong>Grant write resource</strong> to remove lost phones from Reset MFA), then copy its integration key and
        secret key.
      </p>
      <p className="help-note">
        Portcullis connects to Duo directly over HTTPS: proxies are not supported. Users are sent back to the
        Application URL set under Settings › System.
      </p>
    </Card>
  );
}
