-- wrk script: POST one fixed CreateTicket envelope to the simulator.
wrk.method = "POST"
wrk.path = "/usms"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '"CreateTicket"'
wrk.body = [[<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:usms="urn:usms:ticket:v2">
  <soapenv:Body>
    <usms:CreateTicketRequest>
      <usms:TicketType>Incident</usms:TicketType>
      <usms:Ticket>
        <usms:Summary>Link down on core-router-7 ge-0/0/1</usms:Summary>
        <usms:Description>Interface ge-0/0/1 lost carrier; BGP session to peer 10.0.0.2 dropped.</usms:Description>
        <usms:Priority>2</usms:Priority>
        <usms:Category>Network</usms:Category>
        <usms:AssignmentGroup>NOC-L2</usms:AssignmentGroup>
        <usms:ConfigurationItem>core-router-7</usms:ConfigurationItem>
        <usms:ExternalReference>bench-alarm-1</usms:ExternalReference>
        <usms:ReportedBy>nms</usms:ReportedBy>
      </usms:Ticket>
    </usms:CreateTicketRequest>
  </soapenv:Body>
</soapenv:Envelope>]]

-- Count answers that are not 200 so a broken run is visible.
local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-200 answers (thread-local count, first thread): %d\n", bad))
end
