import { MessagePage } from "@/components/ui/message-page";

export default function Forbidden() {
  return <MessagePage title="Not for your role">This page is for admins. Ask one of them if you need what it shows.</MessagePage>;
}
