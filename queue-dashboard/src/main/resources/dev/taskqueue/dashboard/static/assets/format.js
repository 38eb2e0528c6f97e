// How times, durations and statuses read on screen.

/** An ISO instant as 'YYYY-MM-DD HH:MM:SS' in UTC, or an em dash when absent. */
export function formatTime(iso) {
	if (!iso) {
		return '—';
	}
	return iso.replace('T', ' ').replace(/\.\d+/, '').replace('Z', '');
}

/** Milliseconds as a short human duration: 850 ms, 12.3 s, 4 min 5 s, 2 h 3 min, 3 d 4 h. */
export function formatDuration(millis) {
	if (millis === null || millis === undefined) {
		return '—';
	}
	if (millis < 1000) {
		return `${Math.round(millis)} ms`;
	}
	const seconds = millis / 1000;
	if (seconds < 60) {
		return `${seconds.toFixed(1)} s`;
	}
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) {
		return `${minutes} min ${Math.floor(seconds % 60)} s`;
	}
	const hours = Math.floor(minutes / 60);
	if (hours < 24) {
		return `${hours} h ${minutes % 60} min`;
	}
	return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** The time from one ISO instant to another, or to now. */
export function age(iso, nowIso) {
	if (!iso) {
		return null;
	}
	const now = nowIso ? Date.parse(nowIso) : Date.now();
	return Math.max(0, now - Date.parse(iso));
}

/** A fraction 0..1 as a whole percentage. */
export function percent(fraction) {
	return Math.round(Math.max(0, Math.min(1, fraction ?? 0)) * 100);
}

/** A number with thousands separators. */
export function count(n) {
	return (n ?? 0).toLocaleString('en-US');
}

export const TASK_STATUSES = ['WAITING', 'READY', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

export const JOB_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Statuses a task can still be cancelled from; retry applies to the finished unsuccessful ones. */
export function canCancel(status) {
	return status === 'WAITING' || status === 'READY' || status === 'RUNNING';
}

export function canRetry(status) {
	return status === 'FAILED' || status === 'CANCELLED';
}
