/** Services and tags as small labelled chips; services are what an on-call engineer scans for first. */
export function Labels({ services, tags }: { services: string[]; tags: string[] }) {
  if (services.length === 0 && tags.length === 0) return null;
  return (
    <div className="chips">
      {services.map((service) => (
        <span key={`s-${service}`} className="chip service" title="Service">
          {service}
        </span>
      ))}
      {tags.map((tag) => (
        <span key={`t-${tag}`} className="chip tag" title="Tag">
          #{tag}
        </span>
      ))}
    </div>
  );
}
