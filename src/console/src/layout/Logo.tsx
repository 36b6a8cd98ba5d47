import { Icon } from '../components/Icon.tsx';

export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  return (
    <span className={`logo logo-${size}`}>
      <span className="logo-mark">
        <Icon name="logo" size={size === 'lg' ? 22 : 18} />
      </span>
      <span className="logo-word">Portcullis</span>
    </span>
  );
}
